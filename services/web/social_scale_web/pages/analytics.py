"""Analytics: charts over a period, the per-company table, the target-URL lookup, CSV."""

from __future__ import annotations

from typing import Any

import falcon
from social_scale_core.analytics import reports
from social_scale_core.analytics.model import Breakdown, Period
from social_scale_core.errors import ValidationFailed

from social_scale_web import exports
from social_scale_web.charts import Series, bar_chart
from social_scale_web.fanout import gather
from social_scale_web.page import Page
from social_scale_web.pages.dashboard import inr, money_series
from social_scale_web.pages.orders import _day
from social_scale_web.paging import Pager

TOP_SERVICES = 10


def period_of(req: falcon.Request, zone: Any) -> Period:
    return Period(_day(req.get_param("from"), zone, False), _day(req.get_param("to"), zone, True))


def charts(stats: Any) -> dict[str, Any]:
    months = list(stats.by_month)[-12:]
    services = sorted(stats.by_service, key=lambda b: inr(b.figures.money).revenue,
                      reverse=True)[:TOP_SERVICES]

    def one(title: str, groups: list[Breakdown], name: str, css: str, pick: Any,
            count: bool = False) -> Any:
        return bar_chart(title, [b.key for b in groups],
                         [Series(name, css, tuple(pick(b) for b in groups))], count=count)

    return {
        "months": bar_chart("Revenue against real cost by month", [b.key for b in months],
                            money_series([inr(b.figures.money) for b in months])[:2]),
        "networks": one("Profit by network", list(stats.by_network), "Profit", "profit",
                        lambda b: inr(b.figures.money).profit),
        "services": one("Top services by revenue (service id)", services, "Revenue",
                        "revenue", lambda b: inr(b.figures.money).revenue),
        "top_services": services,
        "statuses": one("Orders by status", list(stats.by_status), "Orders", "cost",
                        lambda b: b.figures.orders, count=True),
    }


class AnalyticsPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        period = period_of(req, self.deps.invoice_policy.timezone)
        pager = Pager.of(req, 25)
        try:  # three independent reads, at once
            stats, (companies, total), target = gather(
                lambda: reports.stats(self.deps.uow, period),
                lambda: reports.company_analytics(self.deps.uow, period, pager.limit,
                                                  pager.offset),
                lambda: self._target(req, period))
        except ValidationFailed as exc:
            self.error_page(req, resp, exc)
            return
        self.render(req, resp, "analytics.html", stats=stats, totals=inr(stats.totals.money),
                    charts=charts(stats), companies=[(c, inr(c.figures.money)) for c in companies],
                    pager=pager.with_total(total), target=target,
                    filters={k: v for k, v in req.params.items() if isinstance(v, str)})

    def _target(self, req: falcon.Request, period: Period) -> Any:
        url = (req.get_param("url") or "").strip()[:2000]
        if not url:
            return None
        key, history = reports.target_history(self.deps.uow, url, period, 50, 0)
        return {"url": url, "key": key, "history": history,
                "summary": inr(history.summary.money)}

    def on_get_companies_csv(self, req: falcon.Request, resp: falcon.Response) -> None:
        period = period_of(req, self.deps.invoice_policy.timezone)
        items, _ = reports.company_analytics(self.deps.uow, period, 10**9, 0)
        exports.send(resp, exports.companies_csv(items), "companies")

    def on_get_company_csv(self, req: falcon.Request, resp: falcon.Response,
                           company_id: str) -> None:
        def page(limit: int, offset: int) -> Any:
            return reports.company_history(self.deps.uow, company_id, Period(), limit, offset)

        page(1, 0)  # NotFound before anything is written
        exports.send(resp, exports.orders_csv(reports.every_order(page)), f"company-{company_id}")
