"""Order listings and statistics in SQL: filters, sorting, counts and exact money sums."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from social_scale_core.orders.model import Order
from social_scale_core.orders.ports import MoneyTotals, NetworkTotals, OrderQuery, OrderStats
from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup
from social_scale_adapters.db.companies import like_pattern
from social_scale_adapters.db.orders.order_table import order_select, orders, to_order
from social_scale_adapters.db.types import money_sum

SORT_COLUMNS: dict[str, Any] = {
    "createdAt": orders.c.created_at, "updatedAt": orders.c.updated_at,
    "completedAt": orders.c.completed_at, "cost": orders.c.cost, "charge": orders.c.charge,
    "quantity": orders.c.quantity, "status": orders.c.status,
}


def filters(query: OrderQuery) -> list[ColumnElement[bool]]:
    c = orders.c
    where: list[ColumnElement[bool]] = []
    if query.status is not None:
        where.append(c.status == query.status.value)
    if query.company_id is not None:
        where.append(c.company_id == query.company_id)
    if query.service is not None:
        where.append(c.service_id == query.service)
    if query.network:
        where.append(func.lower(c.network) == query.network.strip().lower())
    if query.link_contains:
        where.append(func.lower(c.link).like(like_pattern(query.link_contains), escape="\\"))
    if query.created_from is not None:
        where.append(c.created_at >= query.created_from)
    if query.created_to is not None:
        where.append(c.created_at <= query.created_to)
    if query.allow_below_cost is not None:
        where.append(c.allow_below_cost.is_(query.allow_below_cost))
    return where


def _order_by(sort: str) -> list[Any]:
    column = SORT_COLUMNS[sort.removeprefix("-")]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    # NULLS LAST only where NULLs exist: on a NOT NULL column it would keep PostgreSQL
    # from reading the order off an index (a sort of every matching row instead).
    return [ordered.nulls_last() if column.nullable else ordered, orders.c.id]


def _count_from_rollup(query: OrderQuery) -> Select[Any] | None:
    """The number of orders from the analytics rollup + pending deltas (one statement,
    one snapshot; exact) when the only filter is none, a status or a service; else None.
    A count(*) over a million orders costs more than the page itself."""
    filters = {k for k, v in attrs.asdict(query, recurse=False).items()
               if v is not None and v != "" and k != "sort"}
    r, d = analytics_rollup.c, analytics_deltas.c
    if not filters:
        folded, pending = [r.dim == "status"], []
    elif filters == {"status"} and query.status is not None:
        folded = [r.dim == "status", r.key == query.status.value]
        pending = [d.status == query.status.value]
    elif filters == {"service"} and query.service is not None:
        folded = [r.dim == "service", r.key == str(query.service)]
        pending = [d.service_id == query.service]
    else:
        return None
    return select(
        select(func.coalesce(func.sum(r.orders), 0)).where(r.grain == "month", *folded)
        .scalar_subquery()
        + select(func.coalesce(func.sum(d.orders), 0)).where(*pending).scalar_subquery())


def count_orders(session: Session, query: OrderQuery) -> int:
    counted = _count_from_rollup(query)
    return int(session.execute(
        counted if counted is not None
        else select(func.count()).select_from(orders).where(*filters(query))).scalar_one())


def list_orders(session: Session, query: OrderQuery, limit: int,
                offset: int) -> tuple[list[Order], int]:
    where = filters(query)
    total = count_orders(session, query)
    rows = session.execute(
        order_select().where(*where).order_by(*_order_by(query.sort)).limit(limit).offset(offset)
    ).all()
    return [to_order(row) for row in rows], int(total)


def heads(session: Session, queries: Sequence[tuple[OrderQuery, int]]) -> list[list[Order]]:
    """The first orders of each listing (as many as its limit), in one statement; each
    listing's rows carry their place in it, as a union keeps no order of its own."""
    arms = []
    for n, (query, limit) in enumerate(queries):
        order = _order_by(query.sort)
        arms.append(order_select().add_columns(
            literal(n).label("head"), func.row_number().over(order_by=order).label("place"))
            .where(*filters(query)).order_by(*order).limit(limit).subquery())
    found: list[list[Order]] = [[] for _ in queries]
    if arms:
        union = union_all(*(select(arm) for arm in arms)).subquery()
        for row in session.execute(select(union).order_by(union.c.head, union.c.place)):
            found[row._mapping["head"]].append(to_order(row))
    return found


def order_stats(session: Session, query: OrderQuery) -> OrderStats:
    """Counts over every matching order; money only over those the panel took."""
    c, where = orders.c, filters(query)
    by_status = {
        status: int(count) for status, count in session.execute(
            select(c.status, func.count()).where(*where).group_by(c.status)
        )
    }
    placed = [*where, c.api_order_id.is_not(None)]
    sums = (func.count(), money_sum(c.cost), money_sum(c.charge))
    totals = tuple(
        MoneyTotals(currency, int(count), cost, charge)
        for currency, count, cost, charge in session.execute(
            select(c.currency, *sums).where(*placed).group_by(c.currency).order_by(c.currency)
        )
    )
    by_network = tuple(
        NetworkTotals(network, currency, int(count), cost, charge)
        for network, currency, count, cost, charge in session.execute(
            select(c.network, c.currency, *sums).where(*placed)
            .group_by(c.network, c.currency).order_by(c.network, c.currency)
        )
    )
    return OrderStats(sum(by_status.values()), by_status, totals, by_network)
