"""Figures over many periods at once (the console's charts by day and by month)."""

from __future__ import annotations

from collections.abc import Sequence

from social_scale_core.analytics.model import Figures, OrderScope, Period
from social_scale_core.analytics.ports import AnalyticsUowFactory


def totals_per_period(uow: AnalyticsUowFactory, periods: Sequence[Period],
                      scope: OrderScope | None = None) -> list[Figures]:
    """The totals of every order in scope, for each period in turn, read in one unit of
    work (only totals: no breakdowns; all orders' and a company's from the rollup in one
    statement, so that a 30-day chart stays cheap)."""
    scope = scope or OrderScope()
    with uow() as unit:
        return unit.analytics.summaries(scope, list(periods))
