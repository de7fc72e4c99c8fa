"""`order_status_history`: each change of an order's status, recorded by the order
repository in the same transaction as the save that made it (every path that changes a
status saves the order: placement, sync, cancel, resolve, the admin's status put)."""

from __future__ import annotations

from typing import Any

from social_scale_core.orders.model import StatusChange
from social_scale_core.panel.provider import OrderStatus
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, and_, bindparam, select
from sqlalchemy.orm import Session

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.types import UTCDateTime

order_status_history = Table(
    "order_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(36), ForeignKey("orders.id", ondelete="CASCADE"),
           nullable=False),
    Column("old_status", String(16), nullable=False),
    Column("new_status", String(16), nullable=False),
    Column("provider_status", String(64), nullable=True),
    Column("changed_at", UTCDateTime(), nullable=False),
    Index("ix_order_status_history_order", "order_id", "changed_at"),
)
_h = order_status_history
# Before an UPDATE of the order: a row when the status it writes differs from the stored one.
RECORD = _h.insert().from_select(
    ["order_id", "old_status", "new_status", "provider_status", "changed_at"],
    select(orders.c.id, orders.c.status, bindparam("new_status", type_=String(16)),
           bindparam("new_provider_status", type_=String(64)),
           bindparam("changed_at", type_=UTCDateTime()))
    .where(and_(orders.c.id == bindparam("key"), orders.c.status != bindparam("new_status"))),
)


def record_values(order_id: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"key": order_id, "new_status": values["status"],
            "new_provider_status": values.get("provider_status"),
            "changed_at": values["updated_at"]}


def history_of(session: Session, order_id: str) -> list[StatusChange]:
    rows = session.execute(select(_h).where(_h.c.order_id == order_id)
                           .order_by(_h.c.changed_at, _h.c.id)).all()
    return [StatusChange(OrderStatus(r.old_status), OrderStatus(r.new_status),
                         r.provider_status, r.changed_at) for r in rows]
