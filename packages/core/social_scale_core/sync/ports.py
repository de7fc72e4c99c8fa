"""Storage port of the background sync: leasing open orders to one worker at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from attrs import frozen

from social_scale_core.ports.uow import UnitOfWork


@frozen
class ReviewItem:
    """An order a person should look at: `unknown`, or `submitting` for too long."""

    order_id: str
    company_id: str
    status: str
    link: str
    service_id: int
    created_at: datetime
    error_message: str | None


class SyncClaims(Protocol):
    """Leases on open orders (pending, in_progress, processing, awaiting, with a panel id).

    `claim` picks up to `limit` such orders not leased now and last checked before `due`
    (never-checked first, then least recently checked; canceled orders awaiting the
    panel's verdict after the open ones), leases them until `lease_until` and returns
    their panel ids. Concurrent claims never return the same order while its
    lease runs: on PostgreSQL rows are picked with FOR UPDATE SKIP LOCKED; on SQLite the
    write lock serialises claims. The caller commits to make the lease visible.
    """

    def claim(self, limit: int, now: datetime, due: datetime,
              lease_until: datetime) -> list[int]: ...

    def release(self, api_order_ids: Sequence[int], checked_at: datetime | None) -> None:
        """End the leases; with `checked_at`, also record that the orders were checked
        (for ids the panel answered about without a status the sync could apply). Locks
        the rows in id order, as a batch sync does, so the two never deadlock."""
        ...

    def oldest_check(self) -> datetime | None:
        """The oldest last check (creation time if never checked) among open orders."""
        ...

    def needing_review(self, stale_before: datetime, limit: int) -> list[ReviewItem]:
        """`unknown` orders, and `submitting` ones created before `stale_before`."""
        ...


class SyncUnitOfWork(UnitOfWork, Protocol):
    @property
    def sync_claims(self) -> SyncClaims: ...


SyncUowFactory = Callable[[], SyncUnitOfWork]
