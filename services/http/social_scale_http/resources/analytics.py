"""`/api/v1/analytics` (admin): per company, stats, per target, company history; JSON or CSV."""

from __future__ import annotations

import falcon
from social_scale_core.analytics import reports
from social_scale_core.analytics.model import OrderHistory
from social_scale_core.analytics.ports import AnalyticsUowFactory
from social_scale_core.errors import ValidationFailed
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.resources import analytics_csv
from social_scale_http.resources.analytics_schemas import (
    CompanyAnalyticsOut,
    HistoryOut,
    PagedPeriodQuery,
    PeriodQuery,
    StatsOut,
    TargetQuery,
)
from social_scale_http.schemas import Page

TAGS = ("analytics",)
CSV = "text/csv; charset=utf-8"
ERRORS = (422,)


def wants_csv(req: falcon.Request, query: PeriodQuery) -> bool:
    """`?format=csv`, or an Accept header preferring text/csv to JSON."""
    if query.format is not None:
        return query.format == "csv"
    accept = req.get_header("Accept") or ""
    return "text/csv" in accept and req.client_prefers(
        ["application/json", "text/csv"]) == "text/csv"


def send_csv(resp: falcon.Response, text: str, name: str) -> None:
    resp.content_type = CSV
    resp.text = text
    resp.set_header("Content-Disposition", f'attachment; filename="{name}.csv"')


class AnalyticsResource:
    def __init__(self, uow: AnalyticsUowFactory) -> None:
        self._uow = uow

    @operation("Per company: orders, units, services and networks, real cost, revenue, "
               "profit and margin per currency (CSV: all companies)", tags=TAGS,
               query=PagedPeriodQuery, response=Page[CompanyAnalyticsOut], errors=ERRORS,
               also_produces=(CSV,))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: PagedPeriodQuery) -> Page[CompanyAnalyticsOut] | None:
        if wants_csv(req, query):
            items, _ = reports.company_analytics(self._uow, query.period(), 10**9, 0)
            send_csv(resp, analytics_csv.companies_csv(items), "analytics")
            return None
        items, total = reports.company_analytics(self._uow, query.period(), query.limit,
                                                 query.offset)
        return Page[CompanyAnalyticsOut](
            items=[CompanyAnalyticsOut.of_company(c) for c in items], total=total,
            limit=query.limit, offset=query.offset)

    @operation("Totals, and by status, network, service and month: real cost vs revenue",
               tags=TAGS, query=PeriodQuery, response=StatsOut, errors=ERRORS,
               also_produces=(CSV,))
    def on_get_stats(self, req: falcon.Request, resp: falcon.Response,
                     query: PeriodQuery) -> StatsOut | None:
        stats = reports.stats(self._uow, query.period())
        if wants_csv(req, query):
            send_csv(resp, analytics_csv.stats_csv(stats), "analytics-stats")
            return None
        return StatsOut.of(stats)

    @operation("Orders for one target URL (any spelling; URL-encoded in the path or ?url=), "
               "with profit", tags=TAGS, query=TargetQuery, response=HistoryOut, errors=ERRORS,
               also_produces=(CSV,))
    def on_get_target(self, req: falcon.Request, resp: falcon.Response, query: TargetQuery,
                      target_url: str | None = None) -> HistoryOut | None:
        url = target_url or query.url
        if not url:
            raise ValidationFailed.single("url", "give the target URL in the path or ?url=")
        period, uow = query.period(), self._uow

        def fetch(limit: int, offset: int) -> tuple[str, OrderHistory]:
            return reports.target_history(uow, url, period, limit, offset)

        key, history = fetch(query.limit, query.offset)
        if wants_csv(req, query):
            rows = reports.every_order(lambda limit, offset: fetch(limit, offset)[1])
            send_csv(resp, analytics_csv.orders_csv(rows), "analytics-target")
            return None
        return HistoryOut.of(history, query.limit, query.offset, key)

    @operation("A company's orders with per-order profit, and the summary of them all",
               tags=TAGS, query=PagedPeriodQuery, response=HistoryOut, errors=(404, 422),
               also_produces=(CSV,))
    def on_get_history(self, req: falcon.Request, resp: falcon.Response,
                       query: PagedPeriodQuery, company_id: str) -> HistoryOut | None:
        period, uow = query.period(), self._uow

        def fetch(limit: int, offset: int) -> OrderHistory:
            return reports.company_history(uow, company_id, period, limit, offset)

        if wants_csv(req, query):
            send_csv(resp, analytics_csv.orders_csv(reports.every_order(fetch)), "company-history")
            return None
        return HistoryOut.of(fetch(query.limit, query.offset), query.limit, query.offset)


def register(api: Api, container: Container) -> None:
    resource = AnalyticsResource(container.uow)
    api.route("/api/v1/analytics", resource)
    api.route("/api/v1/analytics/stats", resource, suffix="stats")
    api.route("/api/v1/analytics/target", resource, suffix="target")
    api.route("/api/v1/analytics/target/{target_url:path}", resource, suffix="target")
    api.route("/api/v1/analytics/company/{company_id}/history", resource, suffix="history")
