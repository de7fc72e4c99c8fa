"""Storage port of the catalog: entries, the change log, the refresh state and its lease."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from social_scale_core.panel.catalog.model import (
    CatalogChange,
    CatalogEntry,
    CatalogState,
    ChangeQuery,
)
from social_scale_core.panel.provider import Service
from social_scale_core.ports.uow import UnitOfWork


class CatalogStore(Protocol):
    """The database copy of the panel's catalog, shared by every worker and instance.

    One refresh at a time: `claim` takes a lease on the one state row (atomic across
    processes and instances: it is one conditional UPDATE, committed before the panel is
    asked); only the lease holder may `apply` a refresh or `record_failure`.
    """

    def state(self) -> CatalogState:
        """The refresh state (fetched_at None: the catalog was never loaded)."""
        ...

    def claim(self, holder: str, now: datetime, until: datetime) -> bool:
        """Take the refresh lease for `holder` until `until` if it is free or expired at
        `now`; True when taken. The caller commits."""
        ...

    def release(self, holder: str) -> None:
        """Give the lease back (no-op unless `holder` holds it)."""
        ...

    def entries(self) -> dict[int, CatalogEntry]:
        """Every service ever stored, listed or removed, by id."""
        ...

    def entry(self, service_id: int) -> CatalogEntry | None: ...

    def listed(self) -> list[Service]:
        """The services the panel currently lists, by id."""
        ...

    def apply(self, holder: str, services: Sequence[Service], changes: Sequence[CatalogChange],
              now: datetime) -> list[CatalogChange] | None:
        """Store the panel's answer (upsert; services it no longer lists marked removed at
        `now`), its snapshot and `changes`; end the lease and clear any error. Returns the
        changes as stored (with their ids); None (nothing written) when `holder` no longer
        holds the lease."""
        ...

    def record_failure(self, holder: str, now: datetime, error: str) -> None:
        """Remember that the refresh at `now` failed (the copy is now stale); ends the lease."""
        ...

    def changes(self, query: ChangeQuery, limit: int,
                offset: int) -> tuple[list[CatalogChange], int]:
        """One page of the change log (newest first) and the number that match."""
        ...


class CatalogUnitOfWork(UnitOfWork, Protocol):
    @property
    def catalog(self) -> CatalogStore: ...


CatalogUowFactory = Callable[[], CatalogUnitOfWork]
