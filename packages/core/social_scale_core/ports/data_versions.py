"""Port for the version counters of stored data, which conditional GETs are tagged with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol


class DataVersions(Protocol):
    """A number per kind of stored data (a table) that grows with every committed write to
    it, the same on every process and host that shares the database.

    `current` must read what is committed when it is called (no cache, no TTL), so that a
    caller who reads the versions BEFORE reading the data never pairs a new body with an
    old version in a way that would hide a committed write. Its errors are the storage's
    (`ProviderUnavailable` never: there is no panel here); callers may treat any error as
    "no version" and answer in full.
    """

    def current(self, names: Iterable[str]) -> int:
        """The sum of the versions of `names`: strictly greater after any committed write
        to any of them, never smaller."""
        ...

    def next_due(self, after: datetime) -> datetime | None:
        """The earliest stored moment later than `after` at which an answer changes with no
        write at all (an invoice falls due and reads `overdue`), or None if there is none."""
        ...

    def state(self, names: Iterable[str], due_after: datetime | None
              ) -> tuple[int, datetime | None]:
        """`current(names)` and, unless `due_after` is None, `next_due(due_after)`, read
        together (one round trip where the storage allows: a conditional GET needs both)."""
        ...
