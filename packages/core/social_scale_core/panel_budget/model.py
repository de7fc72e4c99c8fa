"""The budget's arithmetic (a token bucket kept as one time, GCRA-style) and call priority.

The bucket of one panel key is a single number, `tat` (microseconds since the epoch): the
time at which the bucket would be full again. With `interval` microseconds per token and
`capacity` tokens, a call at `now` finds `capacity - (max(tat, now) - now) / interval`
tokens; taking one moves `tat` to `max(tat, now) + interval`. A call is granted while
that new `tat` stays within `now + limit`, where the limit keeps `reserve` tokens back
from background calls. Any 60 s then holds at most `capacity + 60 s / interval` calls,
which the rule sizes to `calls_per_minute`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from attrs import frozen

MINUTE_US = 60_000_000


class Priority(enum.Enum):
    """INTERACTIVE: someone waits (placements, cancels, refills, an operator's sync).
    BACKGROUND: the sync worker, catalog refresh, balance checks; they use the budget
    only down to the reserve kept for interactive calls."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


@frozen
class BudgetRule:
    """At most `calls_per_minute` calls in any 60 s, `reserve` of the bucket's
    `capacity` tokens kept for interactive calls."""

    calls_per_minute: int
    capacity: int
    reserve: int

    @classmethod
    def for_limit(cls, calls_per_minute: int) -> BudgetRule:
        """A bucket of ~5% of the limit (at least 2) with all but one token in reserve:
        background work runs at the full refill rate and leaves the burst to operators."""
        if calls_per_minute < 3:
            raise ValueError("the panel call budget needs at least 3 calls a minute")
        capacity = max(2, calls_per_minute // 20)
        return cls(calls_per_minute, capacity, capacity - 1)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.reserve < self.capacity < self.calls_per_minute:
            raise ValueError("need 0 <= reserve < capacity < calls_per_minute")

    @property
    def interval_us(self) -> int:
        """Microseconds per token: the rest of the minute's calls after one full bucket,
        rounded up so that the minute never holds one call too many."""
        return -(-MINUTE_US // (self.calls_per_minute - self.capacity))

    def limit_us(self, priority: Priority) -> int:
        """How far ahead of now `tat` may go after a grant of this priority."""
        kept = self.reserve if priority is Priority.BACKGROUND else 0
        return (self.capacity - kept) * self.interval_us


@frozen
class Decision:
    """`granted` with the bucket's new `tat`; or refused, with `wait_us` until it would
    be granted (if nobody else took a token meanwhile) and `tat` unchanged."""

    granted: bool
    tat: int
    wait_us: int


def decide(tat: int | None, now: int, interval: int, limit: int) -> Decision:
    """What the stores compute in one statement (kept here so tests can check it alone)."""
    current = now if tat is None or tat < now else tat
    if current + interval <= now + limit:
        return Decision(True, current + interval, 0)
    return Decision(False, current, current + interval - limit - now)


def wait_us(tat: int, now: int, interval: int, limit: int) -> int:
    """Microseconds until a call of this limit would be granted against `tat`."""
    return max(0, tat + interval - limit - now)


_priority: ContextVar[Priority] = ContextVar("panel_call_priority",
                                             default=Priority.INTERACTIVE)


@contextmanager
def background_calls() -> Iterator[None]:
    """Within this block, panel calls take second place (the background runners)."""
    token = _priority.set(Priority.BACKGROUND)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority() -> Priority:
    return _priority.get()
