"""The rows the analytics read for a period: rollup buckets for its whole months and days,
the pending deltas of those days, and the orders of its partial days (`rollup_periods`).

Each source is cut to rows of (dim, key, month, currency, label, measures); summing them
per key gives the exact figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from social_scale_core.analytics.model import Period
from sqlalchemy import ColumnElement, and_, or_, select

from social_scale_adapters.db.analytics.rollup import expanded, fine_facts
from social_scale_adapters.db.analytics.rollup_periods import in_span, partial_filter, plan
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup
from social_scale_adapters.db.orders.order_table import orders


def period_rows(dialect: str, period: Period, dims: tuple[str, ...],
                company_ids: Sequence[str] | None = None) -> list[Any]:
    """Selects whose UNION ALL holds the period's rows of `dims` (of those companies)."""
    p = plan(period)
    r, d = analytics_rollup, analytics_deltas
    buckets = [and_(r.c.grain == "month", *in_span(r.c.bucket, p.months, "%Y-%m"))
               ] if p.months else []
    buckets += [and_(r.c.grain == "day", *in_span(r.c.bucket, span, "%Y-%m-%d"))
                for span in p.days]
    mine: list[ColumnElement[bool]] = []
    if company_ids is not None:
        mine = [r.c.key.in_(list(company_ids))]
    parts: list[Any] = []
    if buckets:
        parts += expanded(select(r).where(or_(*buckets), *mine).subquery(), dims, rollup=True)
    if p.whole_days:
        theirs = [] if company_ids is None else [d.c.company_id.in_(list(company_ids))]
        parts += expanded(select(d).where(*in_span(d.c.day, p.whole_days, "%Y-%m-%d"),
                                          *theirs).subquery(), dims)
    edges = partial_filter(p.partial)
    if edges is not None:
        where = [edges] if company_ids is None else [
            edges, orders.c.company_id.in_(list(company_ids))]
        # Computed once (each dimension reads it): MATERIALIZED.
        parts += expanded(fine_facts(dialect, where).cte("edges")
                          .prefix_with("MATERIALIZED"), dims)
    return parts
