"""JSON shapes of the analytics: money per currency, figures, breakdowns, histories."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field
from social_scale_core.analytics.model import (
    Breakdown,
    CompanyAnalytics,
    Figures,
    Money,
    OrderHistory,
    OrderProfit,
    Period,
    Stats,
)

from social_scale_http.resources.order_schemas import date_bound
from social_scale_http.schemas import (
    FilterMoment,
    InvoiceMoney,
    OutModel,
    PageQuery,
    ProviderMoney,
    QueryModel,
    UtcDateTime,
)

Margin = Decimal


class PeriodQuery(QueryModel):
    from_: FilterMoment | None = Field(None, alias="from", description="created at/after")
    to: FilterMoment | None = Field(None, description="created at/before (a date: all day)")
    format: Literal["json", "csv"] | None = Field(
        None, description="csv: the same figures as text/csv (or send Accept: text/csv)")

    def period(self) -> Period:
        return Period(date_bound(self.from_, end=False), date_bound(self.to, end=True))


class PagedPeriodQuery(PageQuery, PeriodQuery):
    pass


class TargetQuery(PagedPeriodQuery):
    url: str | None = Field(None, max_length=2000, description="the target URL (any spelling)")


class MoneyOut(OutModel):
    currency: str
    real_cost: ProviderMoney = Field(description="charge when known, else cost")
    revenue: InvoiceMoney = Field(description="invoice totals net of credit notes, not void")
    profit: InvoiceMoney = Field(description="revenue - real cost, to the cent")
    margin: Margin | None = Field(description="profit / revenue in percent; null: no revenue")

    @classmethod
    def of(cls, m: Money) -> MoneyOut:
        return cls(currency=m.currency, real_cost=m.real_cost, revenue=m.revenue,
                   profit=m.profit, margin=m.margin)


class FiguresOut(OutModel):
    orders: int
    quantity: int = Field(description="units ordered (quantity x runs for drip-feed)")
    money: list[MoneyOut] = Field(description="one entry per currency; never added up")

    @classmethod
    def of(cls, f: Figures) -> FiguresOut:
        return cls(orders=f.orders, quantity=f.quantity, money=[MoneyOut.of(m) for m in f.money])


class CompanyAnalyticsOut(FiguresOut):
    company_id: str
    name: str
    deleted: bool
    services_used: int
    networks: list[str]

    @classmethod
    def of_company(cls, c: CompanyAnalytics) -> CompanyAnalyticsOut:
        base = FiguresOut.of(c.figures)
        return cls(company_id=c.company_id, name=c.name, deleted=c.deleted,
                   services_used=c.services_used, networks=list(c.networks),
                   orders=base.orders, quantity=base.quantity, money=base.money)


class BreakdownOut(FiguresOut):
    key: str
    label: str | None = None

    @classmethod
    def of_group(cls, b: Breakdown) -> BreakdownOut:
        base = FiguresOut.of(b.figures)
        return cls(key=b.key, label=b.label, orders=base.orders, quantity=base.quantity,
                   money=base.money)


class StatsOut(OutModel):
    totals: FiguresOut
    by_status: list[BreakdownOut]
    by_network: list[BreakdownOut]
    by_service: list[BreakdownOut] = Field(description="key: service id, label: its name")
    by_month: list[BreakdownOut] = Field(description="key: YYYY-MM (UTC)")

    @classmethod
    def of(cls, s: Stats) -> StatsOut:
        def groups(items: tuple[Breakdown, ...]) -> list[BreakdownOut]:
            return [BreakdownOut.of_group(b) for b in items]

        return cls(totals=FiguresOut.of(s.totals), by_status=groups(s.by_status),
                   by_network=groups(s.by_network), by_service=groups(s.by_service),
                   by_month=groups(s.by_month))


class OrderProfitOut(OutModel):
    order_id: str
    api_order_id: int | None
    company_id: str
    service: int
    service_name: str
    network: str
    link: str
    quantity: int = Field(description="units ordered")
    status: str
    currency: str
    cost: ProviderMoney
    charge: ProviderMoney | None
    real_cost: ProviderMoney
    invoice_id: str | None
    invoice_status: str | None
    revenue: InvoiceMoney
    profit: InvoiceMoney | None = Field(description="null if the invoice's currency differs")
    margin: Margin | None
    created_at: UtcDateTime

    @classmethod
    def of(cls, o: OrderProfit) -> OrderProfitOut:
        return cls(
            order_id=o.order_id, api_order_id=o.api_order_id, company_id=o.company_id,
            service=o.service_id, service_name=o.service_name, network=o.network, link=o.link,
            quantity=o.units, status=o.status, currency=o.currency, cost=o.cost,
            charge=o.charge, real_cost=o.real_cost, invoice_id=o.invoice_id,
            invoice_status=o.invoice_status, revenue=o.revenue, profit=o.profit,
            margin=o.margin, created_at=o.created_at,
        )


class HistoryOut(OutModel):
    """A page of orders (`items`, `total`, `limit`, `offset`) and the summary of them all."""

    items: list[OrderProfitOut]
    total: int
    limit: int
    offset: int
    summary: FiguresOut
    target_key: str | None = Field(None, description="the normalised target (target lookups)")

    @classmethod
    def of(cls, h: OrderHistory, limit: int, offset: int,
           target_key: str | None = None) -> HistoryOut:
        return cls(items=[OrderProfitOut.of(o) for o in h.items], total=h.total, limit=limit,
                   offset=offset, summary=FiguresOut.of(h.summary), target_key=target_key)
