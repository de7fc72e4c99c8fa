"""What the analytics report: money per currency, breakdowns, per-order profit.

The rules (computed in SQL by the storage adapter, stated here once):
- revenue of an order = its invoice's `total` plus the totals of the credit notes issued
  against it (credit notes are negative); a void invoice counts nothing;
- real cost of an order = the panel's `charge` when known, else the priced `cost`; an
  order canceled or failed with nothing charged (no charge reported) costs nothing;
- amounts in different currencies are never added: every money figure is per currency;
- an order belongs to a period by its `created_at`, and its revenue goes with it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from attrs import frozen

_CENT = Decimal("0.01")


def margin_percent(revenue: Decimal, profit: Decimal) -> Decimal | None:
    """Profit as a percentage of revenue, to 2 places; None when there is no revenue."""
    if revenue == 0:
        return None
    return (profit * 100 / revenue).quantize(_CENT, rounding=ROUND_HALF_EVEN)


@frozen
class Period:
    """Orders created in [start, end] (either bound may be open)."""

    start: datetime | None = None
    end: datetime | None = None


@frozen
class Money:
    """Real cost and revenue in one currency; profit and margin follow from them."""

    currency: str
    real_cost: Decimal
    revenue: Decimal

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.real_cost

    @property
    def margin(self) -> Decimal | None:
        return margin_percent(self.revenue, self.profit)


@frozen
class Figures:
    """Counts (any currency) and money (per currency, sorted by currency) of some orders.

    `quantity` counts units ordered: quantity x runs for drip-feed orders.
    """

    orders: int
    quantity: int
    money: tuple[Money, ...]


@frozen
class Breakdown:
    """One group of a breakdown: `key` is the status, network, service id or `YYYY-MM`."""

    key: str
    figures: Figures
    label: str | None = None  # the service's name, for services


@frozen
class Stats:
    totals: Figures
    by_status: tuple[Breakdown, ...]
    by_network: tuple[Breakdown, ...]
    by_service: tuple[Breakdown, ...]
    by_month: tuple[Breakdown, ...]


@frozen
class CompanyAnalytics:
    company_id: str
    name: str
    deleted: bool
    figures: Figures
    services_used: int
    networks: tuple[str, ...]


@frozen
class OrderProfit:
    """One order with its money: real cost in the order's currency, revenue in the
    invoice's (the same in practice); profit only when both are in one currency."""

    order_id: str
    api_order_id: int | None
    company_id: str
    service_id: int
    service_name: str
    network: str
    link: str
    target_key: str
    units: int
    status: str
    currency: str
    cost: Decimal
    charge: Decimal | None
    real_cost: Decimal
    invoice_id: str | None
    invoice_status: str | None
    revenue_currency: str | None
    revenue: Decimal
    created_at: datetime

    @property
    def profit(self) -> Decimal | None:
        if self.revenue_currency not in (None, self.currency):
            return None
        return self.revenue - self.real_cost

    @property
    def margin(self) -> Decimal | None:
        profit = self.profit
        return None if profit is None else margin_percent(self.revenue, profit)


@frozen
class OrderScope:
    """Which orders a history covers: one company's, or one target's (normalised key)."""

    company_id: str | None = None
    target_key: str | None = None


@frozen
class OrderHistory:
    """A page of orders with their profit, and the summary of every matching order."""

    items: tuple[OrderProfit, ...]
    total: int
    summary: Figures
