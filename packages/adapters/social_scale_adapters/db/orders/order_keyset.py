"""Keyset pages of the order listing: after a (sort value, id) cursor, never OFFSET."""

from __future__ import annotations

from typing import Any

from social_scale_core.orders.ports import OrderCursor, OrderPage, OrderQuery, cursor_of
from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.orm import Session

from social_scale_adapters.db.orders.order_filters import filters
from social_scale_adapters.db.orders.order_queries import SORT_COLUMNS, count_orders
from social_scale_adapters.db.orders.order_table import order_select, orders, to_order


def _after(column: Any, descending: bool, cursor: OrderCursor) -> ColumnElement[bool]:
    """Rows strictly after the cursor in (column, id), both descending or both ascending,
    NULLs last. `column <= v` comes first on its own so that PostgreSQL reads it off the
    column's index."""
    ident = orders.c.id
    if cursor.value is None:  # among the NULLs, which come last: only the id goes on
        if not column.nullable:
            return false()
        return and_(column.is_(None), ident < cursor.order_id if descending
                    else ident > cursor.order_id)
    value = cursor.value
    if descending:
        within = and_(column <= value, or_(column < value, ident < cursor.order_id))
    else:
        within = and_(column >= value, or_(column > value, ident > cursor.order_id))
    return or_(within, column.is_(None)) if column.nullable else within


def _order_by(column: Any, descending: bool) -> list[Any]:
    ident = orders.c.id
    first = column.desc() if descending else column.asc()
    # NULLS LAST only where NULLs exist (on a NOT NULL column it keeps PostgreSQL from
    # reading the order off the index).
    return [first.nulls_last() if column.nullable else first,
            ident.desc() if descending else ident.asc()]


def keyset_page(session: Session, query: OrderQuery, limit: int,
                after: OrderCursor | None) -> OrderPage:
    field = query.sort.removeprefix("-")
    column, descending = SORT_COLUMNS[field], query.sort.startswith("-")
    where = filters(query)
    if after is not None:
        where.append(_after(column, descending, after))
    rows = session.execute(
        order_select().where(*where).order_by(*_order_by(column, descending)).limit(limit + 1)
    ).all()
    found = tuple(to_order(row) for row in rows[:limit])
    more = len(rows) > limit
    return OrderPage(found, count_orders(session, query),
                     cursor_of(found[-1], query.sort) if more and found else None)
