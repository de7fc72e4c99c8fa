"""Order listings and statistics in SQL: filters, sorting, counts and exact money sums."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from social_scale_core.orders.model import Order
from social_scale_core.orders.ports import MoneyTotals, NetworkTotals, OrderQuery, OrderStats
from sqlalchemy import Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup
from social_scale_adapters.db.orders.order_filters import bound, filter_values, filters, shape
from social_scale_adapters.db.orders.order_table import order_select, orders, to_order
from social_scale_adapters.db.types import money_sum

SORT_COLUMNS: dict[str, Any] = {
    "createdAt": orders.c.created_at, "updatedAt": orders.c.updated_at,
    "completedAt": orders.c.completed_at, "cost": orders.c.cost, "charge": orders.c.charge,
    "quantity": orders.c.quantity, "status": orders.c.status,
}


def _order_by(sort: str) -> list[Any]:
    column = SORT_COLUMNS[sort.removeprefix("-")]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    # NULLS LAST only where NULLs exist: on a NOT NULL column it would keep PostgreSQL
    # from reading the order off an index (a sort of every matching row instead).
    return [ordered.nulls_last() if column.nullable else ordered, orders.c.id]


@lru_cache(maxsize=8)
def _rollup_count(names: tuple[str, ...]) -> Select[Any] | None:
    """The number of orders from the analytics rollup + pending deltas (one statement,
    one snapshot; exact) when the only filter is none, a status or a service; else None.
    A count(*) over a million orders costs more than the page itself."""
    r, d = analytics_rollup.c, analytics_deltas.c
    if not names:
        folded, pending = [r.dim == "status"], []
    elif names == ("status",):
        folded = [r.dim == "status", r.key == bindparam("status")]
        pending = [d.status == bindparam("status")]
    elif names == ("service",):
        folded = [r.dim == "service", r.key == bindparam("service_key")]
        pending = [d.service_id == bindparam("service")]
    else:
        return None
    return select(
        select(func.coalesce(func.sum(r.orders), 0)).where(r.grain == "month", *folded)
        .scalar_subquery()
        + select(func.coalesce(func.sum(d.orders), 0)).where(*pending).scalar_subquery())


@lru_cache(maxsize=64)
def _count(names: tuple[str, ...]) -> Select[Any]:
    counted = _rollup_count(names)
    return counted if counted is not None else (
        select(func.count()).select_from(orders).where(*bound(names)))


@lru_cache(maxsize=256)
def _page(names: tuple[str, ...], sort: str) -> Select[Any]:
    return (order_select().where(*bound(names)).order_by(*_order_by(sort))
            .limit(bindparam("limit")).offset(bindparam("offset")))


def _params(values: dict[str, Any]) -> dict[str, Any]:
    if "service" in values:
        return {**values, "service_key": str(values["service"])}
    return values


def count_orders(session: Session, query: OrderQuery) -> int:
    values = filter_values(query)
    return int(session.execute(_count(shape(values)), _params(values)).scalar_one())


def list_orders(session: Session, query: OrderQuery, limit: int,
                offset: int) -> tuple[list[Order], int]:
    """A page and the total: two statements of a shape built once (order_filters)."""
    values = filter_values(query)
    names, params = shape(values), _params(values)
    total = session.execute(_count(names), params).scalar_one()
    rows = session.execute(_page(names, query.sort),
                           {**params, "limit": limit, "offset": offset}).all()
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
