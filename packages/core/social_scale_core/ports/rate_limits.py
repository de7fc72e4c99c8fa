"""Port for counters of hits per key and fixed time window, shared by every worker."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class RateLimitStore(Protocol):
    """Counts hits per (key, window start); must be shared by all processes and hosts."""

    def hit(self, key: str, window_start: datetime) -> int:
        """Atomically add one hit to the bucket and return the bucket's new count."""
        ...

    def count(self, key: str, window_start: datetime) -> int:
        """Hits recorded in the bucket so far (0 for an unknown bucket)."""
        ...

    def clear(self, key: str) -> None:
        """Forget every bucket of `key` (e.g. failed logins after a success)."""
        ...

    def purge(self, before: datetime) -> int:
        """Delete buckets whose window started before `before`; return how many."""
        ...
