"""`/api/v1/invoices/register`: the accountant's export of a period (CSV or XLSX)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Literal

import falcon
from pydantic import Field
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_adapters.export.xlsx import Value, xlsx_table
from social_scale_core.clock import Clock
from social_scale_core.invoicing.register import (
    RegisterRow,
    RegisterUnitOfWork,
    invoice_register,
)
from social_scale_core.money import money_str

from social_scale_http.api import Api, operation
from social_scale_http.container import Container
from social_scale_http.resources.analytics_csv import render, safe_text
from social_scale_http.schemas import QueryModel

HEADER = ["Document", "Number", "Date", "Buyer", "Buyer GSTIN", "Place of supply", "Currency",
          "Taxable value", "CGST", "SGST", "IGST", "Total", "Status", "Credited invoice"]
WIDTHS = [12, 18, 11, 36, 17, 8, 8, 14, 12, 12, 12, 14, 10, 18]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RegisterQuery(QueryModel):
    from_: date = Field(alias="from", description="first day (in the invoicing time zone)")
    to: date = Field(description="last day, included")
    format: Literal["csv", "xlsx"] = "csv"


def _values(row: RegisterRow) -> list[Value]:
    return [row.kind, row.number, row.issued_on, row.buyer, row.buyer_gstin,
            row.place_of_supply, row.currency, row.taxable_value, row.cgst, row.sgst, row.igst,
            row.total, row.status, row.credited_invoice]


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money_str(value, 2)
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


class InvoiceRegisterResource:
    def __init__(self, uow_factory: Callable[[], RegisterUnitOfWork], clock: Clock,
                 zone: tzinfo) -> None:
        self._uow, self._clock, self._zone = uow_factory, clock, zone

    @operation("The invoice register of a period: one row per invoice and credit note, with "
               "the GSTR-1 columns", tags=("invoices",), query=RegisterQuery,
               produces="text/csv", errors=(401, 422))
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: RegisterQuery) -> None:
        start = datetime.combine(query.from_, time(), self._zone)
        end = datetime.combine(query.to + timedelta(days=1), time(), self._zone)
        rows = invoice_register(self._uow, start, end, self._clock.now(), self._zone)
        name = f"invoice-register-{query.from_.isoformat()}-{query.to.isoformat()}"
        if query.format == "xlsx":
            resp.content_type = XLSX
            resp.data = xlsx_table("Register", HEADER, map(_values, rows), WIDTHS)
        else:
            resp.content_type = "text/csv; charset=utf-8"
            resp.text = render(HEADER, ([_csv_cell(v) for v in _values(r)] for r in rows))
        resp.downloadable_as = f"{name}.{query.format}"


def register(api: Api, container: Container) -> None:
    def uow_factory() -> SqlUnitOfWork:
        return container.uow()

    resource = InvoiceRegisterResource(uow_factory, container.clock(),
                                       container.invoice_policy().timezone)
    api.route("/api/v1/invoices/register", resource)
