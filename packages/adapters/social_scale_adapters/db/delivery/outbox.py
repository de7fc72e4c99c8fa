"""The outbox on SQL: deliveries claimed with a lease (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from social_scale_core.delivery.model import Delivery, DeliveryKind, DeliveryStatus
from social_scale_core.errors import Conflict
from sqlalchemy import Row, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social_scale_adapters.db.delivery.delivery_tables import deliveries

_d = deliveries.c


def _addresses(values: tuple[str, ...]) -> str:
    return "\n".join(values)


def _columns(d: Delivery) -> dict[str, Any]:
    return {"kind": d.kind.value, "invoice_id": d.invoice_id, "alert_id": d.alert_id,
            "reminder_step": d.reminder_step, "to_addrs": _addresses(d.to),
            "cc_addrs": _addresses(d.cc), "message": d.message, "message_id": d.message_id,
            "status": d.status.value, "attempts": d.attempts, "queued_at": d.queued_at,
            "next_attempt_at": d.next_attempt_at, "sent_at": d.sent_at, "error": d.error}


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        id=row.id, kind=DeliveryKind(row.kind), to=tuple(filter(None, row.to_addrs.split("\n"))),
        cc=tuple(filter(None, row.cc_addrs.split("\n"))), message_id=row.message_id,
        queued_at=row.queued_at, next_attempt_at=row.next_attempt_at,
        status=DeliveryStatus(row.status), invoice_id=row.invoice_id, alert_id=row.alert_id,
        reminder_step=row.reminder_step, message=row.message, attempts=row.attempts,
        sent_at=row.sent_at, error=row.error)


class SqlOutbox:
    """Outbox on one Session (see the port for the guarantees)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, delivery: Delivery) -> None:
        try:
            with self._session.begin_nested():
                self._session.execute(insert(deliveries).values(id=delivery.id,
                                                                **_columns(delivery)))
        except IntegrityError as exc:
            if any(k in str(exc.orig) for k in ("uq_deliveries_reminder_step",
                                                 "deliveries.reminder_step")):
                raise Conflict("This reminder was already queued.") from None
            raise

    def for_invoice(self, invoice_id: str) -> list[Delivery]:
        rows = self._session.execute(select(deliveries).where(_d.invoice_id == invoice_id)
                                     .order_by(_d.queued_at, _d.id))
        return [_delivery(r) for r in rows]

    def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[Delivery]:
        due = (_d.status == DeliveryStatus.QUEUED.value) & (_d.next_attempt_at <= now)
        picked = (select(_d.id).where(due).order_by(_d.next_attempt_at, _d.id).limit(limit)
                  .with_for_update(skip_locked=True))
        ids = list(self._session.scalars(picked))
        if not ids:
            return []
        # Still due: on SQLite (no row locks) another claim may have leased some meanwhile.
        leased = self._session.scalars(
            update(deliveries).where(_d.id.in_(ids), due)
            .values(attempts=_d.attempts + 1, next_attempt_at=lease_until)
            .returning(_d.id))
        ids = list(leased)
        if not ids:
            return []
        rows = self._session.execute(select(deliveries).where(_d.id.in_(ids))
                                     .order_by(_d.queued_at, _d.id))
        return [_delivery(r) for r in rows]

    def update(self, delivery: Delivery) -> None:
        self._session.execute(update(deliveries).where(_d.id == delivery.id)
                              .values(**_columns(delivery)))

    def reminder_steps(self, invoice_id: str) -> set[int]:
        rows = self._session.scalars(select(_d.reminder_step).where(
            _d.invoice_id == invoice_id, _d.reminder_step.is_not(None)))
        return {int(r) for r in rows}
