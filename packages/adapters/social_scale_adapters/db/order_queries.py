"""Order listings and statistics in SQL: filters, sorting, counts and exact money sums."""

from __future__ import annotations

from typing import Any

from social_scale_core.orders.model import Order
from social_scale_core.orders.ports import MoneyTotals, NetworkTotals, OrderQuery, OrderStats
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from social_scale_adapters.db.companies import like_pattern
from social_scale_adapters.db.order_table import order_select, orders, to_order
from social_scale_adapters.db.types import money_sum

_SORT: dict[str, Any] = {
    "createdAt": orders.c.created_at, "updatedAt": orders.c.updated_at,
    "completedAt": orders.c.completed_at, "cost": orders.c.cost, "charge": orders.c.charge,
    "quantity": orders.c.quantity, "status": orders.c.status,
}


def _where(query: OrderQuery) -> list[ColumnElement[bool]]:
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
    return where


def _order_by(sort: str) -> list[Any]:
    column = _SORT[sort.removeprefix("-")]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    # NULLS LAST only where NULLs exist: on a NOT NULL column it would keep PostgreSQL
    # from reading the order off an index (a sort of every matching row instead).
    return [ordered.nulls_last() if column.nullable else ordered, orders.c.id]


def list_orders(session: Session, query: OrderQuery, limit: int,
                offset: int) -> tuple[list[Order], int]:
    where = _where(query)
    total = session.execute(select(func.count()).select_from(orders).where(*where)).scalar_one()
    rows = session.execute(
        order_select().where(*where).order_by(*_order_by(query.sort)).limit(limit).offset(offset)
    ).all()
    return [to_order(row) for row in rows], int(total)


def order_stats(session: Session, query: OrderQuery) -> OrderStats:
    """Counts over every matching order; money only over those the panel took."""
    c, where = orders.c, _where(query)
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
