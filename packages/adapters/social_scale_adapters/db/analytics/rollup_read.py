"""The rows the statistics read for a period: rollup buckets for its whole months and days
(for all time, one bucket a key where the dimension has many keys), the pending deltas of
its whole days, and the orders of its partial days (`rollup_periods`). The totals and the
companies' figures read slots as well: `rollup_ranges`.

Each source is cut to rows of (dim, key, month, currency, label, measures); summing them
per key gives the exact figures.
"""

from __future__ import annotations

from typing import Any

from social_scale_core.analytics.model import Period
from sqlalchemy import and_, or_, select, true

from social_scale_adapters.db.analytics.rollup import ALL_TIME_DIMS, expanded, fine_facts
from social_scale_adapters.db.analytics.rollup_periods import (
    in_days,
    in_span,
    partial_filter,
    plan,
)
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup


def period_rows(dialect: str, period: Period, dims: tuple[str, ...]) -> list[Any]:
    """Selects whose UNION ALL holds the period's rows of `dims`."""
    p = plan(period)
    r, d = analytics_rollup, analytics_deltas
    buckets = [and_(r.c.grain == "month", *in_span(r.c.bucket, p.months, "%Y-%m"))
               ] if p.months else []
    buckets += [and_(r.c.grain == "day", *in_span(r.c.bucket, span, "%Y-%m-%d"))
                for span in p.days]
    coarse = [and_(or_(*buckets), r.c.dim.in_(dims))] if buckets else []
    if period.start is None and period.end is None:  # all time: one bucket a key where
        # the dimension has many keys (`rollup.ALL_TIME_DIMS`), else its months
        by_month = [dim for dim in dims if dim not in ALL_TIME_DIMS]
        whole = [dim for dim in dims if dim in ALL_TIME_DIMS]
        coarse = ([and_(r.c.grain == "month", r.c.dim.in_(by_month))] if by_month else []) \
            + ([and_(r.c.grain == "all", r.c.dim.in_(whole))] if whole else [])
    parts: list[Any] = []
    if coarse:
        parts += expanded(select(r).where(or_(*coarse)).subquery(), dims, rollup=True)
    if p.whole_days:
        parts += expanded(select(d).where(and_(true(), *in_days(d.c.slot, p.whole_days)))
                          .subquery(), dims)
    edges = partial_filter(p.partial)
    if edges is not None:
        # Computed once (each dimension reads it): MATERIALIZED.
        parts += expanded(fine_facts(dialect, [edges]).cte("edges")
                          .prefix_with("MATERIALIZED"), dims)
    return parts
