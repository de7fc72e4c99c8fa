"""Totals of orders read straight from the orders, each joined to its invoice (a target's
summary, which the rollup does not break down by)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from social_scale_core.analytics.model import Figures, Money
from sqlalchemy import ColumnElement, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from social_scale_adapters.db.analytics.analytics_sql import (
    VOID,
    inv,
    invoice_of_order,
    order_revenue,
    real_cost,
    units,
)
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.types import Money as MoneyType

EMPTY = Figures(0, 0, ())


def order_sums(session: Session, where: Sequence[ColumnElement[bool]],
               bucket: ColumnElement[Any] | None = None) -> list[Any]:
    """Rows of (bucket, order currency, invoice currency or None, count, units, cost,
    revenue) over the matching orders."""
    o = orders.c
    live = and_(inv.c.id.is_not(None), inv.c.status != VOID)
    billed_in = case((live, inv.c.currency), else_=None)
    keys = [bucket.label("bucket")] if bucket is not None else []
    return list(session.execute(
        select(*keys, o.currency, billed_in.label("billed_in"), func.count().label("orders"),
               func.coalesce(func.sum(units()), 0).label("units"),
               type_coerce(func.coalesce(func.sum(real_cost()), 0), MoneyType()).label("cost"),
               type_coerce(func.coalesce(func.sum(order_revenue()), 0), MoneyType()
                           ).label("revenue"))
        .select_from(orders.outerjoin(inv, invoice_of_order()))
        .where(*where).group_by(*keys, o.currency, billed_in)
    ).all())


def fold(rows: Sequence[Any]) -> Figures:
    """Rows of `order_sums` folded into one Figures (EMPTY for none)."""
    if not rows:
        return EMPTY
    cost: dict[str, Decimal] = defaultdict(Decimal)
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        cost[row.currency] += row.cost
        if row.billed_in is not None:
            revenue[row.billed_in] += row.revenue
    money = tuple(Money(c, cost.get(c, Decimal(0)), revenue.get(c, Decimal(0)))
                  for c in sorted(set(cost) | set(revenue)))
    return Figures(sum(int(r.orders) for r in rows), sum(int(r.units) for r in rows), money)
