"""The dashboard: the panel balance, today's and this month's work, what needs review,
money this month against last, charts and the top companies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import falcon
from social_scale_core.alerts.raising import list_alerts
from social_scale_core.analytics import reports
from social_scale_core.analytics.model import Figures, Money, Period
from social_scale_core.analytics.series import totals_per_period
from social_scale_core.invoicing.lifecycle import invoice_sums
from social_scale_core.invoicing.model import InvoiceStatus
from social_scale_core.invoicing.ports import InvoiceFilter
from social_scale_core.orders.admin import order_heads
from social_scale_core.orders.ports import OrderQuery
from social_scale_core.panel.provider import OPEN_STATUSES, OrderStatus

from social_scale_web import periods
from social_scale_web.balance import BalanceCache
from social_scale_web.charts import Series, bar_chart
from social_scale_web.fanout import gather
from social_scale_web.page import Page
from social_scale_web.paging import COUNT_CAP

CURRENCY = "INR"
REVIEW_ROWS = 10  # orders of each status listed for review
REVIEW = (OrderStatus.UNKNOWN, OrderStatus.FAILED, OrderStatus.SUBMITTING)
ZERO = Money(CURRENCY, Decimal(0), Decimal(0))


def inr(money: tuple[Money, ...]) -> Money:
    return next((m for m in money if m.currency == CURRENCY), ZERO)


def money_series(figures: list[Money]) -> list[Series]:
    return [
        Series("Revenue", "revenue", tuple(m.revenue for m in figures)),
        Series("Real cost", "cost", tuple(m.real_cost for m in figures)),
        Series("Profit", "profit", tuple(m.profit for m in figures)),
    ]


def so_far(period: Period, now: datetime) -> Period:
    return Period(period.start, None) if period.end == now else period


class DashboardPage(Page):
    def __init__(self, *args: Any, balance: BalanceCache) -> None:
        super().__init__(*args)
        self.balance = balance

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        now, zone = self.deps.clock.now(), self.deps.invoice_policy.timezone
        daily, monthly = periods.days(now, zone, 30), periods.months(now, zone, 12)
        # Periods that end now are read open-ended ("so far": no order is created in the
        # future), so that this month is its UTC month's bucket and no part of it is read
        # from the orders.
        this_month = so_far(monthly[-1][1], now)
        wanted = [so_far(Period(periods.day_start(now, zone), now), now),
                  *(so_far(p, now) for _, p in monthly), *(p for _, p in daily)]
        # Every total on the page in one statement, from the rollup (its quarter-hour
        # slots make each local day and month whole buckets); the page's reads at once.
        (balance, balance_age), figures, work, top, overdue, alerts = gather(
            self.balance.current, lambda: totals_per_period(self.deps.uow, wanted),
            lambda: self._work(now), lambda: self._top(this_month),
            lambda: self._overdue(now), lambda: list_alerts(self.deps.alerts(), True, 10, 0))
        today, *rest = figures
        by_month, by_day = rest[:len(monthly)], rest[len(monthly):]
        work.update(today=today.orders, month=by_month[-1].orders)
        self.render(req, resp, "dashboard.html", balance=balance, balance_age=balance_age,
                    work=work, review=work["review"],
                    money={"this": inr(by_month[-1].money), "last": inr(by_month[-2].money)},
                    charts=self._charts(daily, by_day, monthly, by_month), top=top,
                    overdue=overdue, alerts=alerts)

    def _work(self, now: datetime) -> dict[str, Any]:
        """Counts from the analytics (the rollup); then, in one statement, the oldest open
        order and the orders to review, of the statuses that have any."""
        by_status = reports.status_counts(self.deps.uow)
        opened = [s for s in sorted(OPEN_STATUSES) if by_status.get(s.value)]
        review = [s for s in REVIEW if by_status.get(s.value)]
        heads = order_heads(self.deps.orders(), [
            *((OrderQuery(status=s, sort="createdAt"), 1) for s in opened),
            *((OrderQuery(status=s), REVIEW_ROWS) for s in review)]) if opened or review else []
        oldest = min((found[0].created_at for found in heads[:len(opened)] if found),
                     default=None)
        stale = self.deps.orders().stale_after
        needs_review = [o for found in heads[len(opened):] for o in found
                        if o.status is not OrderStatus.SUBMITTING or now - o.created_at >= stale]
        return {"open": sum(by_status.get(s.value, 0) for s in OPEN_STATUSES),
                "oldest": (now - oldest).total_seconds() if oldest else None,
                "review": needs_review}

    @staticmethod
    def _charts(daily: list[tuple[str, Period]], by_day: list[Figures],
                monthly: list[tuple[str, Period]], by_month: list[Figures]) -> dict[str, Any]:
        return {
            "days": bar_chart("Revenue, real cost and profit by day, last 30 days",
                              [label for label, _ in daily],
                              money_series([inr(f.money) for f in by_day])),
            "months": bar_chart("Revenue, real cost and profit by month, last 12 months",
                                [label for label, _ in monthly],
                                money_series([inr(f.money) for f in by_month])),
        }

    def _top(self, period: Period) -> list[Any]:
        ranked = reports.top_companies(self.deps.uow, period, CURRENCY, 5)
        return [(company, figures, inr(figures.money)) for company, figures in ranked
                if figures.orders]

    def _overdue(self, now: datetime) -> dict[str, Any]:
        """Their number and total, summed by the database (exact up to COUNT_CAP)."""
        totals, count = invoice_sums(self.deps.uow, InvoiceFilter(
            now=now, status=InvoiceStatus.OVERDUE, count_upto=COUNT_CAP))
        return {"count": min(count, COUNT_CAP), "more": count > COUNT_CAP,
                "total": totals.get(CURRENCY, Decimal(0)), "partial": count > COUNT_CAP,
                "summed": count}
