"""Housekeeping of the auth tables: what can never be used again is deleted.

Refresh-token families whose every token has expired, reset tokens past their expiry and
rate-limit buckets of windows long closed. Without it those tables only grow: a token per
login and per refresh, a bucket per key and window.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from social_scale_core.auth.sessions import AuthPorts

# Past expiry (or a window's start) by this much before anything is deleted. The longest
# rate-limit window is an hour, so a day keeps every bucket a rule can still count.
KEEP_FOR = timedelta(days=1)


@frozen
class Purged:
    refresh_tokens: int
    reset_tokens: int
    rate_limit_buckets: int

    @property
    def total(self) -> int:
        return self.refresh_tokens + self.reset_tokens + self.rate_limit_buckets


def purge_spent(ports: AuthPorts, keep_for: timedelta = KEEP_FOR) -> Purged:
    """Delete the tokens and buckets that expired more than `keep_for` ago, in one unit."""
    before = ports.clock.now() - keep_for
    with ports.uow() as uow:
        purged = Purged(
            refresh_tokens=uow.refresh_tokens.purge_expired(before),
            reset_tokens=uow.reset_tokens.purge_expired(before),
            rate_limit_buckets=uow.rate_limits.purge(before),
        )
        uow.commit()
    return purged
