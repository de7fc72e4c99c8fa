"""Analytics use cases: per company, overall stats, per target and a company's history."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from social_scale_core.analytics.model import (
    CompanyAnalytics,
    Figures,
    OrderHistory,
    OrderProfit,
    OrderScope,
    Period,
    Stats,
)
from social_scale_core.analytics.ports import AnalyticsUowFactory
from social_scale_core.companies.model import Company
from social_scale_core.errors import NotFound, ValidationFailed
from social_scale_core.orders.links import BadLink, normalise_link, target_key

EMPTY_FIGURES = Figures(0, 0, ())
HISTORY_PAGE = 1000


def every_order(fetch: Callable[[int, int], OrderHistory],
                page: int = HISTORY_PAGE) -> Iterator[OrderProfit]:
    """Every order of a history, `page` at a time from `fetch(limit, offset)` (CSV exports
    of the API and the console are not paginated)."""
    offset = 0
    while True:
        history = fetch(page, offset)
        yield from history.items
        offset += page
        if offset >= history.total or not history.items:
            return


def _check(period: Period) -> None:
    if period.start and period.end and period.start > period.end:
        raise ValidationFailed.single("from", "must not be after `to`")


def company_analytics(uow: AnalyticsUowFactory, period: Period, limit: int,
                      offset: int) -> tuple[list[CompanyAnalytics], int]:
    """A page of companies with their orders' figures in `period`."""
    _check(period)
    with uow() as unit:
        return unit.analytics.companies(period, limit, offset)


def company_figures(uow: AnalyticsUowFactory, period: Period,
                    company_ids: Sequence[str]) -> dict[str, Figures]:
    """The figures of many companies at once (a list page), EMPTY for one with no orders."""
    _check(period)
    with uow() as unit:
        found = unit.analytics.company_figures(period, company_ids) if company_ids else {}
    return {cid: found.get(cid, EMPTY_FIGURES) for cid in company_ids}


def top_companies(uow: AnalyticsUowFactory, period: Period, currency: str,
                  count: int) -> list[tuple[Company, Figures]]:
    """The `count` companies with the highest profit in `currency` in `period`, best
    first, with their figures."""
    _check(period)
    with uow() as unit:
        best = unit.analytics.top_companies(period, currency, count)
        named = [(unit.companies.get(company_id), figures) for company_id, figures in best]
    return [(company, figures) for company, figures in named if company is not None]


def status_counts(uow: AnalyticsUowFactory) -> dict[str, int]:
    """The number of orders in each status, all time (the dashboard's open work)."""
    with uow() as unit:
        return unit.analytics.status_counts()


def stats(uow: AnalyticsUowFactory, period: Period) -> Stats:
    """Totals, and breakdowns by status, network, service and month, in `period`."""
    _check(period)
    with uow() as unit:
        return unit.analytics.stats(period)


def _history(uow: AnalyticsUowFactory, scope: OrderScope, period: Period, limit: int,
             offset: int) -> OrderHistory:
    with uow() as unit:
        items, total = unit.analytics.orders(scope, period, limit, offset)
        summary = unit.analytics.summary(scope, period)
    return OrderHistory(tuple(items), total, summary)


def target_history(uow: AnalyticsUowFactory, url: str, period: Period, limit: int,
                   offset: int) -> tuple[str, OrderHistory]:
    """The orders for one target, whatever spelling of its URL was used (see
    `orders.links.target_key`); returns the normalised key with the history.

    ValidationFailed on `targetUrl` when the text is not an http(s) URL.
    """
    _check(period)
    try:
        key = target_key(normalise_link(url))
    except BadLink as exc:
        raise ValidationFailed.single("targetUrl", str(exc)) from None
    return key, _history(uow, OrderScope(target_key=key), period, limit, offset)


def company_history(uow: AnalyticsUowFactory, company_id: str, period: Period, limit: int,
                    offset: int) -> OrderHistory:
    """A company's orders with per-order profit, and the summary; NotFound for an id that
    was never a company (deleted companies keep their history)."""
    _check(period)
    with uow() as unit:
        if unit.companies.get(company_id) is None:
            raise NotFound(f"No company with id {company_id}.")
    return _history(uow, OrderScope(company_id=company_id), period, limit, offset)
