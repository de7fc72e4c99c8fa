"""The catalog as stored: its entries (listed or gone), the change log, the refresh state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from attrs import frozen

from social_scale_core.panel.provider import Service


class ChangeKind(StrEnum):
    """What changed about a service between two refreshes (API.md `kind`)."""

    RATE = "rate"
    MIN = "min"
    MAX = "max"
    FLAGS = "flags"
    TYPE = "type"
    NAME = "name"
    CATEGORY = "category"
    ADDED = "added"
    REMOVED = "removed"


@frozen
class CatalogEntry:
    """A service as last listed by the panel; `removed_at` is set once it stopped listing it
    (past orders keep working; new orders are refused)."""

    service: Service
    removed_at: datetime | None = None

    @property
    def listed(self) -> bool:
        return self.removed_at is None


@frozen
class CatalogChange:
    """One change found by a refresh; `old`/`new` are the values as text (None for
    added/removed); `percent` only for a rate change (None when the old rate was 0)."""

    service_id: int
    name: str
    kind: ChangeKind
    field: str | None
    old: str | None
    new: str | None
    detected_at: datetime
    percent: Decimal | None = None
    significant: bool = False
    id: int | None = None


@frozen
class CatalogState:
    """When the catalog was last fetched, and whether the latest attempt failed after it."""

    fetched_at: datetime | None
    attempted_at: datetime | None = None
    error: str | None = None
    lease_holder: str | None = None
    lease_until: datetime | None = None

    @property
    def stale(self) -> bool:
        return self.error is not None


@frozen
class CatalogSnapshot:
    """The listed services and how fresh they are; `stale` when the last refresh failed."""

    services: tuple[Service, ...]
    fetched_at: datetime
    stale: bool = False

    def get(self, service_id: int) -> Service | None:
        return next((s for s in self.services if s.service_id == service_id), None)


@frozen
class ChangeQuery:
    """Filters of the change log; None means any."""

    since: datetime | None = None
    service_id: int | None = None
    kind: ChangeKind | None = None
    significant: bool | None = None


@frozen
class RefreshResult:
    fetched_at: datetime
    changes: tuple[CatalogChange, ...]
