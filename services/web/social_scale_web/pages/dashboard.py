"""The dashboard: the panel balance, today's and this month's work, what needs review,
money this month against last, charts and the top companies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import falcon
from social_scale_core.alerts.raising import list_alerts
from social_scale_core.analytics import reports
from social_scale_core.analytics.model import Money, Period, Stats
from social_scale_core.analytics.series import totals_per_period
from social_scale_core.errors import ProviderError
from social_scale_core.invoicing.lifecycle import list_invoices
from social_scale_core.invoicing.model import InvoiceStatus
from social_scale_core.invoicing.ports import InvoiceFilter
from social_scale_core.orders.admin import list_orders
from social_scale_core.orders.ports import OrderQuery
from social_scale_core.panel.integrations import account_balance
from social_scale_core.panel.provider import OPEN_STATUSES, OrderStatus

from social_scale_web import periods
from social_scale_web.charts import Series, bar_chart
from social_scale_web.page import Page
from social_scale_web.paging import COUNT_CAP

CURRENCY = "INR"
ZERO = Money(CURRENCY, Decimal(0), Decimal(0))


def inr(money: tuple[Money, ...]) -> Money:
    return next((m for m in money if m.currency == CURRENCY), ZERO)


def money_series(figures: list[Money]) -> list[Series]:
    return [
        Series("Revenue", "revenue", tuple(m.revenue for m in figures)),
        Series("Real cost", "cost", tuple(m.real_cost for m in figures)),
        Series("Profit", "profit", tuple(m.profit for m in figures)),
    ]


class DashboardPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        now, zone = self.deps.clock.now(), self.deps.invoice_policy.timezone
        # This month's stats serve the month's count and its money (read once: their
        # part-days at the month's local edges are read from the orders).
        month = reports.stats(self.deps.uow, periods.month(now, zone))
        self.render(req, resp, "dashboard.html", balance=self._balance(),
                    work=self._work(now, month), review=self._review(now),
                    money=self._money(now, month), charts=self._charts(now),
                    top=self._top(periods.month(now, zone)), overdue=self._overdue(now),
                    alerts=list_alerts(self.deps.alerts(), True, 10, 0))

    def _balance(self) -> Any:
        try:
            return account_balance(self.deps.provider)
        except ProviderError as exc:
            return exc.detail or "The panel did not answer."

    def _work(self, now: datetime, month: Stats) -> dict[str, Any]:
        """Counts from the analytics (the rollup), not from scanning the orders."""
        ports, zone = self.deps.orders(), self.deps.invoice_policy.timezone
        [today] = totals_per_period(self.deps.uow, [Period(periods.day_start(now, zone), now)])
        by_status = {b.key: b.figures.orders
                     for b in reports.stats(self.deps.uow, Period()).by_status}
        oldest = None
        for status in sorted(OPEN_STATUSES):
            found, _ = list_orders(ports, OrderQuery(status=status, sort="createdAt"), 1, 0)
            if found and (oldest is None or found[0].created_at < oldest):
                oldest = found[0].created_at
        return {"today": today.orders, "month": month.totals.orders,
                "open": sum(by_status.get(s.value, 0) for s in OPEN_STATUSES),
                "oldest": (now - oldest).total_seconds() if oldest else None}

    def _review(self, now: datetime) -> list[Any]:
        ports = self.deps.orders()
        found = []
        for status in (OrderStatus.UNKNOWN, OrderStatus.FAILED, OrderStatus.SUBMITTING):
            items, _ = list_orders(ports, OrderQuery(status=status), 10, 0)
            if status is OrderStatus.SUBMITTING:
                items = [o for o in items if now - o.created_at >= ports.stale_after]
            found.extend(items)
        return found

    def _money(self, now: datetime, month: Stats) -> dict[str, Money]:
        zone = self.deps.invoice_policy.timezone
        this = month.totals.money
        last = reports.stats(self.deps.uow, periods.month(now, zone, 1)).totals.money
        return {"this": inr(this), "last": inr(last)}

    def _charts(self, now: datetime) -> dict[str, Any]:
        zone = self.deps.invoice_policy.timezone
        monthly = periods.months(now, zone, 12)
        start = monthly[0][1].start
        stats = reports.stats(self.deps.uow, Period(start, now))
        by_month = {b.key: inr(b.figures.money) for b in stats.by_month}
        month_figures = [by_month.get(p.start.astimezone(zone).strftime("%Y-%m"), ZERO)
                         for _, p in monthly if p.start is not None]
        daily = periods.days(now, zone, 30)
        day_figures = [inr(f.money) for f in totals_per_period(self.deps.uow,
                                                                [p for _, p in daily])]
        return {
            "days": bar_chart("Revenue, real cost and profit by day, last 30 days",
                              [label for label, _ in daily], money_series(day_figures)),
            "months": bar_chart("Revenue, real cost and profit by month, last 12 months",
                                [label for label, _ in monthly], money_series(month_figures)),
        }

    def _top(self, period: Period) -> list[Any]:
        items, _ = reports.company_analytics(self.deps.uow, period, 1000, 0)
        ranked = sorted(items, key=lambda c: inr(c.figures.money).profit, reverse=True)
        return [(c, inr(c.figures.money)) for c in ranked[:5] if c.figures.orders]

    def _overdue(self, now: datetime) -> dict[str, Any]:
        invoices, count = list_invoices(self.deps.uow, InvoiceFilter(
            now=now, status=InvoiceStatus.OVERDUE, limit=200, count_upto=COUNT_CAP))
        total = sum((i.total for i in invoices if i.currency == CURRENCY), Decimal(0))
        return {"count": min(count, COUNT_CAP), "more": count > COUNT_CAP, "total": total,
                "partial": count > len(invoices)}
