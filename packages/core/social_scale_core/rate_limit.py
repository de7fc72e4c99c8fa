"""Fixed-window rate limiting: how many hits a key may make per window."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from attrs import frozen

from social_scale_core.errors import RateLimited
from social_scale_core.ports.rate_limits import RateLimitStore

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@frozen
class RateRule:
    """At most `limit` hits per `window_seconds` for one key."""

    limit: int
    window_seconds: int

    def window_start(self, now: datetime) -> datetime:
        elapsed = int((now - _EPOCH).total_seconds())
        return _EPOCH + timedelta(seconds=elapsed - elapsed % self.window_seconds)

    def retry_after(self, now: datetime) -> int:
        end = self.window_start(now) + timedelta(seconds=self.window_seconds)
        return max(1, math.ceil((end - now).total_seconds()))


def consume(store: RateLimitStore, key: str, rule: RateRule, now: datetime) -> None:
    """Record one hit; raise RateLimited when it goes past the rule's limit."""
    if store.hit(key, rule.window_start(now)) > rule.limit:
        raise RateLimited(rule.retry_after(now))


def ensure_below(store: RateLimitStore, key: str, rule: RateRule, now: datetime) -> None:
    """Raise RateLimited if the key already used up its window, without adding a hit."""
    if store.count(key, rule.window_start(now)) >= rule.limit:
        raise RateLimited(rule.retry_after(now))
