"""CSV renderings of the analytics (one row per group and currency, or per order)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from social_scale_core.analytics.model import (
    Breakdown,
    CompanyAnalytics,
    Figures,
    Money,
    OrderProfit,
    Stats,
)
from social_scale_core.money import CENT, money_str

MONEY_HEADER = ["currency", "realCost", "revenue", "profit", "margin"]
ORDER_HEADER = ["orderId", "apiOrderId", "createdAt", "companyId", "service", "serviceName",
                "network", "link", "status", "quantity", "currency", "cost", "charge",
                "realCost", "invoiceId", "invoiceStatus", "revenue", "profit", "margin"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str | None) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA) else value


def _amount(value: Decimal | None) -> str:
    return "" if value is None else money_str(value, 4)


def _cents(value: Decimal | None) -> str:
    """Invoiced money (revenue, profit): exactly 2 decimals, as in the JSON."""
    return "" if value is None else f"{value.quantize(CENT, rounding=ROUND_HALF_UP) + 0:f}"


def _money_cells(m: Money | None) -> list[str]:
    if m is None:
        return ["", "", "", "", ""]
    margin = "" if m.margin is None else str(m.margin)
    return [m.currency, _amount(m.real_cost), _cents(m.revenue), _cents(m.profit), margin]


def _per_currency(prefix: list[Any], figures: Figures) -> Iterable[list[Any]]:
    """One row per currency (one row with empty money cells when there is none)."""
    for money in figures.money or (None,):
        yield [*prefix, figures.orders, figures.quantity, *_money_cells(money)]


def render(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def companies_csv(items: Iterable[CompanyAnalytics]) -> str:
    header = ["companyId", "name", "deleted", "servicesUsed", "networks", "orders",
              "quantity", *MONEY_HEADER]
    rows = (row for c in items for row in _per_currency(
        [c.company_id, safe_text(c.name), str(c.deleted).lower(), c.services_used,
         safe_text(";".join(c.networks))], c.figures))
    return render(header, rows)


def stats_csv(stats: Stats) -> str:
    header = ["dimension", "key", "label", "orders", "quantity", *MONEY_HEADER]
    groups: list[tuple[str, tuple[Breakdown, ...]]] = [
        ("status", stats.by_status), ("network", stats.by_network),
        ("service", stats.by_service), ("month", stats.by_month),
    ]
    rows = [*_per_currency(["total", "", ""], stats.totals)]
    for name, items in groups:
        for b in items:
            rows.extend(_per_currency([name, safe_text(b.key), safe_text(b.label)], b.figures))
    return render(header, rows)


def orders_csv(items: Iterable[OrderProfit]) -> str:
    def row(o: OrderProfit) -> list[Any]:
        return [o.order_id, o.api_order_id or "", o.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                o.company_id, o.service_id, safe_text(o.service_name), safe_text(o.network),
                safe_text(o.link), o.status, o.units, o.currency, _amount(o.cost),
                _amount(o.charge), _amount(o.real_cost), o.invoice_id or "",
                o.invoice_status or "", _cents(o.revenue), _cents(o.profit),
                "" if o.margin is None else str(o.margin)]

    return render(ORDER_HEADER, (row(o) for o in items))
