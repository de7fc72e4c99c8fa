"""Port for the shared state of the budget: one bucket per panel key, in the database."""

from __future__ import annotations

from typing import Protocol


class BudgetStore(Protocol):
    """The buckets, shared by every process and host that calls the panel with one key.

    Times are integer microseconds since the epoch, from the caller's clock.
    """

    def take(self, key: str, now: int, interval: int, limit: int) -> int | None:
        """Atomically take one token (`model.decide`; a missing bucket starts full).

        None when granted; otherwise the microseconds to wait before asking again. Must
        be one statement, never inside the caller's transaction. ProviderUnavailable when
        the shared state cannot be reached (the caller then sends nothing).
        """
        ...

    def hold(self, key: str, until: int, interval: int, limit: int) -> None:
        """Grant nothing to calls of `limit` before `until` (the panel said 429)."""
        ...
