"""The orders repository: writes guarded by the unique constraints, reads by every key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from social_scale_core.errors import DuplicateOrder
from social_scale_core.orders.model import Order, StatusChange
from social_scale_core.orders.ports import OrderCursor, OrderPage, OrderQuery, OrderStats
from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social_scale_adapters.db.orders.order_batches import order_batch_lines
from social_scale_adapters.db.orders.order_keyset import keyset_page
from social_scale_adapters.db.orders.order_queries import heads, list_orders, order_stats
from social_scale_adapters.db.orders.order_table import (
    mutable_values,
    order_select,
    orders,
    row_values,
    to_order,
)
from social_scale_adapters.db.orders.status_history import RECORD, history_of, record_values


def _duplicate(exc: IntegrityError) -> DuplicateOrder | None:
    text = str(exc.orig)
    if "idempotency_key" in text:
        return DuplicateOrder("idempotencyKey")
    if "api_order_id" in text:
        return DuplicateOrder("apiOrderId")
    return None


_INSERT = insert(orders)
_UPDATE = update(orders).where(orders.c.id == bindparam("key"))  # SET: the other parameters


class SqlOrderRepository:
    """OrderRepository on one Session; uniqueness is left to the database's constraints."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _write(self, statement: Any, values: dict[str, Any] | list[dict[str, Any]]) -> None:
        # Values go as parameters of a constant statement: compiled once and cached, where
        # `.values(**values)` would build (and key the cache with) a new statement per call.
        try:
            self._session.execute(statement, values)
        except IntegrityError as exc:
            duplicate = _duplicate(exc)
            if duplicate is None:
                raise
            raise duplicate from exc

    def add(self, order: Order) -> None:
        self._write(_INSERT, row_values(order))

    def save(self, order: Order) -> None:
        values = mutable_values(order)
        self._session.execute(RECORD, record_values(order.id, values))
        self._write(_UPDATE, {"key": order.id, **values})

    def save_many(self, changed: Sequence[Order]) -> None:
        """One UPDATE executed for many rows (psycopg pipelines an executemany); the status
        changes among them are recorded first, the same way."""
        if not changed:
            return
        rows = [(o.id, mutable_values(o)) for o in changed]
        self._session.execute(RECORD, [record_values(key, v) for key, v in rows])
        self._write(_UPDATE, [{"key": key, **v} for key, v in rows])

    def status_history(self, order_id: str) -> list[StatusChange]:
        return history_of(self._session, order_id)

    def _one(self, statement: Select[Any]) -> Order | None:
        row = self._session.execute(statement).first()
        return to_order(row) if row else None

    def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        statement = order_select().where(orders.c.id == order_id)
        if for_update:
            statement = statement.with_for_update(of=orders)
        return self._one(statement)

    def lock_many(self, order_ids: Sequence[str]) -> dict[str, Order]:
        """One SELECT ... ORDER BY id FOR UPDATE: PostgreSQL's LockRows sits above the sort
        (or the primary key's index scan), so the rows are locked one after another in id
        order, and transactions locking overlapping sets this way cannot deadlock. One
        statement whatever the number of ids: chunks would order by Python's comparison
        between chunks and by the column's collation within them."""
        if not order_ids:
            return {}
        statement = (order_select().where(orders.c.id.in_(sorted(set(order_ids))))
                     .order_by(orders.c.id).with_for_update(of=orders))
        return {row.id: to_order(row) for row in self._session.execute(statement)}

    def by_api_id(self, api_order_id: int) -> Order | None:
        return self._one(order_select().where(orders.c.api_order_id == api_order_id))

    def batch_of(self, order_id: str) -> str | None:
        lines = order_batch_lines.c
        found = self._session.execute(
            select(lines.batch_id).where(lines.order_id == order_id).limit(1)).scalar()
        return str(found) if found is not None else None

    def by_key(self, idempotency_key: str) -> Order | None:
        return self._one(order_select().where(orders.c.idempotency_key == idempotency_key))

    def by_api_ids(self, api_order_ids: Sequence[int]) -> dict[int, Order]:
        found: dict[int, Order] = {}
        for start in range(0, len(api_order_ids), 500):
            chunk = list(api_order_ids[start:start + 500])
            rows = self._session.execute(order_select().where(orders.c.api_order_id.in_(chunk)))
            for row in rows:
                found[row.api_order_id] = to_order(row)
        return found

    def list(self, query: OrderQuery, limit: int, offset: int) -> tuple[list[Order], int]:
        return list_orders(self._session, query, limit, offset)

    def page(self, query: OrderQuery, limit: int, after: OrderCursor | None) -> OrderPage:
        return keyset_page(self._session, query, limit, after)

    def heads(self, queries: Sequence[tuple[OrderQuery, int]]) -> Sequence[Sequence[Order]]:
        return heads(self._session, queries)

    def stats(self, query: OrderQuery) -> OrderStats:
        return order_stats(self._session, query)
