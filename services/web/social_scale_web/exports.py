"""CSV downloads of the console: companies' figures and orders with their profit."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import falcon
from social_scale_core.analytics.model import CompanyAnalytics, OrderProfit

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def text(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    cell = "" if value is None else str(value)
    return "'" + cell if cell.startswith(_FORMULA) else cell


def render(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[text(cell) for cell in row] for row in rows])
    return out.getvalue()


def companies_csv(items: Iterable[CompanyAnalytics]) -> str:
    rows = ([c.company_id, c.name, c.figures.orders, c.figures.quantity, m.currency,
             m.real_cost, m.revenue, m.profit, m.margin if m.margin is not None else ""]
            for c in items for m in c.figures.money)
    return render(["companyId", "name", "orders", "quantity", "currency", "realCost",
                   "revenue", "profit", "margin"], rows)


def orders_csv(items: Iterable[OrderProfit]) -> str:
    rows = ([o.order_id, o.api_order_id or "", o.created_at.isoformat(), o.service_id,
             o.service_name, o.network, o.link, o.status, o.units, o.currency, o.cost,
             o.charge if o.charge is not None else "", o.real_cost, o.invoice_id or "",
             o.revenue, o.profit if o.profit is not None else ""] for o in items)
    return render(["orderId", "apiOrderId", "createdAt", "service", "serviceName", "network",
                   "link", "status", "units", "currency", "cost", "charge", "realCost",
                   "invoiceId", "revenue", "profit"], rows)


def send(resp: falcon.Response, body: str, name: str) -> None:
    resp.content_type = "text/csv; charset=utf-8"
    resp.text = body
    resp.downloadable_as = f"{name}.csv"
