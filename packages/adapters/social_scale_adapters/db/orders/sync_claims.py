"""Leases on open orders (`canceling` ones included: they wait for the panel's verdict)
for the background sync (`orders.sync_claimed_until`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from social_scale_core.panel.provider import OPEN_STATUSES, OrderStatus
from social_scale_core.sync.ports import ReviewItem
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.types import UTCDateTime

OPEN = sorted(s.value for s in OPEN_STATUSES)


def open_orders() -> ColumnElement[bool]:
    """Open and placed: the predicate of the partial index `ix_orders_sync_due`."""
    return and_(orders.c.status.in_(OPEN), orders.c.api_order_id.is_not(None))


# Raw refill statuses after which the panel's answer no longer changes (lowercase; the
# core's `refill_is_final` reads the same words).
_FINAL_REFILL = ("completed", "complete", "rejected", "canceled", "cancelled", "error",
                 "fail", "failed", "refunded")


def open_refill() -> ColumnElement[bool]:
    """A finished order with a refill still running: the panel refills only completed or
    partial orders, so those are followed until the refill ends too."""
    c = orders.c
    return and_(c.status.not_in(OPEN), c.api_order_id.is_not(None), c.refill_id.is_not(None),
                or_(c.refill_status.is_(None), func.lower(c.refill_status).not_in(_FINAL_REFILL)))


class SqlSyncClaims:
    """SyncClaims on one Session (see the port for the guarantees)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, limit: int, now: datetime, due: datetime,
              lease_until: datetime) -> list[int]:
        c = orders.c
        free = or_(c.sync_claimed_until.is_(None), c.sync_claimed_until < now)
        # Open orders never checked, then open orders least recently checked (both read
        # `ix_orders_sync_due` in order and stop at the limit); `canceling` is open, so a
        # cancel is followed until the panel's verdict. Then finished orders whose refill
        # is still running (few: a refill lasts minutes). SKIP LOCKED: a row another
        # worker is claiming right now is passed over, not waited for; the lease written
        # below then keeps it out of later claims.
        steps = (
            (and_(open_orders(), c.last_checked_at.is_(None)), ()),
            (and_(open_orders(), c.last_checked_at < due), (c.last_checked_at,)),
            (and_(open_refill(), or_(c.last_checked_at.is_(None), c.last_checked_at < due)),
             (c.last_checked_at.asc().nulls_first(), c.id)),
        )
        ids: list[str] = []
        for where, order in steps:
            if len(ids) >= limit:
                break
            picked = (select(c.id).where(where, free).order_by(*order)
                      .limit(limit - len(ids)).with_for_update(skip_locked=True))
            ids.extend(self._session.execute(picked).scalars())
        if not ids:
            return []
        rows = self._session.execute(
            update(orders).where(c.id.in_(ids)).values(sync_claimed_until=lease_until)
            .returning(c.api_order_id)
        )
        return sorted(int(api_id) for api_id in rows.scalars())

    def release(self, api_order_ids: Sequence[int], checked_at: datetime | None) -> None:
        if not api_order_ids:
            return
        values: dict[str, Any] = {"sync_claimed_until": None}
        if checked_at is not None:
            values["last_checked_at"] = checked_at
        # The rows are locked in id order first, as the orders' batch sync locks them: an
        # UPDATE by panel id would lock them in that id's order and could deadlock with a
        # batch sync of overlapping orders (`orders/status?orderIds=`).
        c = orders.c
        locked = (select(c.id).where(c.api_order_id.in_(list(api_order_ids)))
                  .order_by(c.id).with_for_update())
        ids = list(self._session.execute(locked).scalars())
        if ids:
            self._session.execute(update(orders).where(c.id.in_(ids)).values(**values))

    def oldest_check(self) -> datetime | None:
        c = orders.c
        never = self._session.execute(
            select(func.min(c.created_at)).where(open_orders(), c.last_checked_at.is_(None))
        ).scalar_one()
        checked = self._session.execute(
            select(func.min(c.last_checked_at)).where(open_orders())
        ).scalar_one()
        moments = [_utc(m) for m in (never, checked) if m is not None]
        return min(moments) if moments else None

    def needing_review(self, stale_before: datetime, limit: int) -> list[ReviewItem]:
        c = orders.c
        rows = self._session.execute(
            select(c.id, c.company_id, c.status, c.link, c.service_id, c.created_at,
                   c.error_message)
            .where(or_(c.status == OrderStatus.UNKNOWN.value,
                       and_(c.status == OrderStatus.SUBMITTING.value,
                            c.created_at < stale_before)))
            .order_by(c.created_at, c.id).limit(limit)
        )
        return [ReviewItem(r.id, r.company_id, r.status, r.link, r.service_id, r.created_at,
                           r.error_message) for r in rows]


def _utc(value: Any) -> datetime:
    """min() over a UTCDateTime column comes back untyped on SQLite: read it as one."""
    if isinstance(value, datetime):
        return UTCDateTime().process_result_value(value, None)  # type: ignore[arg-type,return-value]
    parsed = datetime.fromisoformat(str(value))
    return UTCDateTime().process_result_value(parsed, None)  # type: ignore[arg-type,return-value]
