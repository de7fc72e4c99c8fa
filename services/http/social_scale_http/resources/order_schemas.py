"""JSON shapes of orders: the place/record bodies, the `order` of API.md, stats, filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import Field, StrictBool
from social_scale_core.orders.model import Order, OrderParams
from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.orders.ports import OrderQuery, OrderStats
from social_scale_core.panel.provider import OrderStatus

from social_scale_http.resources.invoice_schemas import InvoiceOut
from social_scale_http.schemas import (
    ApiModel,
    ChargeAmount,
    FilterMoment,
    Multiplier,
    OutModel,
    PageQuery,
    ProviderMoney,
    QueryModel,
    UtcDateTime,
)

SortName = Literal[
    "createdAt", "-createdAt", "updatedAt", "-updatedAt", "completedAt", "-completedAt",
    "cost", "-cost", "charge", "-charge", "quantity", "-quantity", "status", "-status",
]
# `orders.service_id` is a 32-bit INTEGER: larger ids would fail in PostgreSQL, not 422.
INT32_MAX = 2**31 - 1


class PlaceOrderBody(ApiModel):
    company_id: str = Field(min_length=1, max_length=64)
    service: int = Field(ge=1, le=INT32_MAX, description="the panel's service id")
    link: str = Field(min_length=1, max_length=2000, description="http(s) URL of the target")
    quantity: int = Field(ge=1, le=1_000_000_000, description="per run for drip-feed")
    invoice_multiplier: Multiplier | None = Field(
        None, description="invoice = cost x this; default: the company's, else 8")
    allow_below_cost: StrictBool = Field(
        False, description="invoice below INVOICE_MIN_MULTIPLIER on purpose (recorded)")
    runs: int | None = Field(None, ge=1, le=100_000, description="drip-feed: number of runs")
    interval: int | None = Field(None, ge=1, le=1_000_000, description="drip-feed: minutes")
    comments: str | None = Field(None, max_length=200_000, description="one per line")
    usernames: str | None = Field(None, max_length=200_000, description="one per line")
    hashtags: str | None = Field(None, max_length=200_000, description="one per line")
    username: str | None = Field(None, max_length=255)
    media: str | None = Field(None, max_length=2000)
    answer_number: str | None = Field(None, max_length=64)
    keywords: str | None = Field(None, max_length=200_000, description="one per line")

    def draft(self) -> OrderDraft:
        return OrderDraft(
            company_id=self.company_id, service=self.service, link=self.link,
            quantity=self.quantity, invoice_multiplier=self.invoice_multiplier,
            allow_below_cost=self.allow_below_cost,
            params=OrderParams(
                runs=self.runs, interval=self.interval, comments=self.comments,
                usernames=self.usernames, hashtags=self.hashtags, username=self.username,
                media=self.media, answer_number=self.answer_number, keywords=self.keywords,
            ),
        )


class ManualOrderBody(PlaceOrderBody):
    api_order_id: int = Field(ge=1, le=2**62, description="the order's id at Fampage")


class OrderOut(OutModel):
    id: str
    company_id: str
    provider_id: str | None
    api_order_id: int | None
    service: int
    service_name: str
    service_type: str
    network: str
    link: str
    quantity: int
    runs: int | None
    interval: int | None
    cost: ProviderMoney = Field(description="rate x quantity (x runs) / 1000, as priced")
    charge: ProviderMoney | None = Field(description="what Fampage reports it spent")
    currency: str
    status: OrderStatus
    provider_status: str | None = Field(description="Fampage's raw status text")
    start_count: int | None
    remains: int | None
    invoice_id: str | None
    allow_below_cost: bool = Field(description="invoiced below the minimum multiplier on purpose")
    refill_id: str | None
    refill_status: str | None
    error_message: str | None = Field(description="why the order failed or is unknown")
    created_at: UtcDateTime
    updated_at: UtcDateTime
    completed_at: UtcDateTime | None

    @classmethod
    def of(cls, o: Order) -> OrderOut:
        return cls(
            id=o.id, company_id=o.company_id, provider_id=o.provider_id,
            api_order_id=o.api_order_id, service=o.service.service_id,
            service_name=o.service.name, service_type=o.service.type,
            network=o.service.network, link=o.link, quantity=o.quantity, runs=o.params.runs,
            interval=o.params.interval, cost=o.cost, charge=o.charge, currency=o.currency,
            status=o.status, provider_status=o.provider_status, start_count=o.start_count,
            remains=o.remains, invoice_id=o.invoice_id, allow_below_cost=o.allow_below_cost,
            refill_id=o.refill_id,
            refill_status=o.refill_status, error_message=o.error_message,
            created_at=o.created_at, updated_at=o.updated_at, completed_at=o.completed_at,
        )


class OrderEnvelope(OutModel):
    order: OrderOut


class PlacedOut(OutModel):
    order: OrderOut
    invoice: InvoiceOut | None = Field(
        description="null only if invoicing failed after Fampage took the order")


class ErrorOut(OutModel):
    error: str


class StatusesOut(OutModel):
    results: dict[str, OrderEnvelope | ErrorOut]


class RefillOut(OutModel):
    id: str
    status: str | None


class RefilledOut(OutModel):
    order: OrderOut
    refill: RefillOut


def date_bound(value: datetime | date | None, end: bool) -> datetime | None:
    """A filter bound in UTC; a bare date `to` includes that whole day."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1 if end else 0), time(), UTC)
        return value - timedelta(microseconds=1) if end else value
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class OrderFilters(QueryModel):
    status: OrderStatus | None = None
    company_id: str | None = Field(None, max_length=64)
    service: int | None = Field(None, ge=1, le=INT32_MAX)
    network: str | None = Field(None, max_length=64)
    link: str | None = Field(None, max_length=2000, description="link contains (any case)")
    from_: FilterMoment | None = Field(None, alias="from", description="created at/after")
    to: FilterMoment | None = Field(None, description="created at/before (a date: all day)")
    allow_below_cost: bool | None = Field(None, description="placed with allowBelowCost")

    def filters(self, sort: str = "-createdAt") -> OrderQuery:
        return OrderQuery(
            allow_below_cost=self.allow_below_cost,
            status=self.status, company_id=self.company_id or None, service=self.service,
            network=self.network or None, link_contains=self.link or None,
            created_from=date_bound(self.from_, end=False),
            created_to=date_bound(self.to, end=True), sort=sort,
        )


class OrdersQuery(PageQuery, OrderFilters):
    sort: SortName = Field("-createdAt", description="a field, '-' first for descending")


class StatusBody(ApiModel):
    status: OrderStatus
    api_order_id: int | None = Field(
        None, ge=1, le=2**62, description="resolving an unknown order: its id at Fampage")


class StatsBody(ApiModel):
    start_count: int | None = Field(None, ge=0)
    remains: int | None = Field(
        None, description="between -units (over-delivery) and the order's units")
    charge: ChargeAmount | None = Field(
        None, description='decimal string or number, e.g. "9.9980"; at least 0')


class MoneyTotalsOut(OutModel):
    currency: str
    orders: int
    cost: ProviderMoney
    charge: ProviderMoney


class NetworkTotalsOut(MoneyTotalsOut):
    network: str


class StatsOut(OutModel):
    total: int
    by_status: dict[str, int]
    totals: list[MoneyTotalsOut] = Field(description="orders Fampage took, per currency")
    by_network: list[NetworkTotalsOut]

    @classmethod
    def of(cls, s: OrderStats) -> StatsOut:
        return cls(
            total=s.total, by_status=s.by_status,
            totals=[MoneyTotalsOut(currency=t.currency, orders=t.orders, cost=t.cost,
                                   charge=t.charge) for t in s.totals],
            by_network=[NetworkTotalsOut(network=n.network, currency=n.currency,
                                         orders=n.orders, cost=n.cost, charge=n.charge)
                        for n in s.by_network],
        )
