"""The rows the analytics read for a period: rollup buckets for its whole months, days
and (for the totals and the companies) slots, the pending deltas of those, and the orders
of the partial ends left over (`rollup_periods`).

Each source is cut to rows of (dim, key, month, currency, label, measures); summing them
per key gives the exact figures. The 'total' dimension is read from the 'status' rows of
months and days (each fact is there once) and from the 'total' rows of slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from social_scale_core.analytics.model import Period
from sqlalchemy import ColumnElement, and_, or_, select, true

from social_scale_adapters.db.analytics.rollup import (
    ALL_TIME_DIMS,
    FINE_DIMS,
    expanded,
    fine_facts,
)
from social_scale_adapters.db.analytics.rollup_periods import (
    SLOT_FORMAT,
    in_days,
    in_span,
    partial_filter,
    plan,
)
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup
from social_scale_adapters.db.orders.order_table import orders


def period_rows(dialect: str, period: Period, dims: tuple[str, ...],
                company_ids: Sequence[str] | None = None, name: str = "edges") -> list[Any]:
    """Selects whose UNION ALL holds the period's rows of `dims` (of those companies);
    `name` names the CTE of the partial ends (unique within one statement)."""
    p = plan(period, fine=FINE_DIMS.issuperset(dims))
    r, d = analytics_rollup, analytics_deltas
    coarse_dims = tuple(dict.fromkeys("status" if dim == "total" else dim for dim in dims))
    buckets = [and_(r.c.grain == "month", *in_span(r.c.bucket, p.months, "%Y-%m"))
               ] if p.months else []
    buckets += [and_(r.c.grain == "day", *in_span(r.c.bucket, span, "%Y-%m-%d"))
                for span in p.days]
    coarse = [and_(or_(*buckets), r.c.dim.in_(coarse_dims))] if buckets else []
    if period.start is None and period.end is None:  # all time: one bucket a key where
        # the dimension has many keys (`rollup.ALL_TIME_DIMS`), else its months
        by_month = [dim for dim in coarse_dims if dim not in ALL_TIME_DIMS]
        whole = [dim for dim in coarse_dims if dim in ALL_TIME_DIMS]
        coarse = ([and_(r.c.grain == "month", r.c.dim.in_(by_month))] if by_month else []) \
            + ([and_(r.c.grain == "all", r.c.dim.in_(whole))] if whole else [])
    fine = [and_(r.c.grain == "slot", r.c.dim.in_(dims), *in_span(r.c.bucket, span, SLOT_FORMAT))
            for span in p.slots]
    mine: list[ColumnElement[bool]] = []
    if company_ids is not None:
        mine = [r.c.key.in_(list(company_ids))]
    parts: list[Any] = []
    if coarse or fine:
        parts += expanded(select(r).where(or_(*coarse, *fine), *mine).subquery(),
                          (*coarse_dims, *dims), rollup=True)
    theirs = [] if company_ids is None else [d.c.company_id.in_(list(company_ids))]
    pending = [and_(true(), *in_days(d.c.slot, p.whole_days))] if p.whole_days else []
    pending += [and_(*in_span(d.c.slot, span, SLOT_FORMAT)) for span in p.slots]
    if pending:
        parts += expanded(select(d).where(or_(*pending), *theirs).subquery(), dims)
    edges = partial_filter(p.partial)
    if edges is not None:
        where = [edges] if company_ids is None else [
            edges, orders.c.company_id.in_(list(company_ids))]
        # Computed once (each dimension reads it): MATERIALIZED.
        parts += expanded(fine_facts(dialect, where).cte(name)
                          .prefix_with("MATERIALIZED"), dims)
    return parts
