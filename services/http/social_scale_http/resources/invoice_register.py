"""`/api/v1/invoices/register`: the accountant's export of a period (CSV or XLSX)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

import falcon
from pydantic import Field
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_adapters.export.register import register_file
from social_scale_core.clock import Clock
from social_scale_core.invoicing.register import RegisterUnitOfWork, invoice_register
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.schemas import QueryModel


class RegisterQuery(QueryModel):
    from_: date = Field(alias="from", description="first day (in the invoicing time zone)")
    to: date = Field(description="last day, included")
    format: Literal["csv", "xlsx"] = "csv"


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
        resp.content_type, resp.data = register_file(rows, query.format)
        resp.downloadable_as = f"{name}.{query.format}"


def register(api: Api, container: Container) -> None:
    def uow_factory() -> SqlUnitOfWork:
        return container.uow()

    resource = InvoiceRegisterResource(uow_factory, container.clock(),
                                       container.invoice_policy().timezone)
    api.route("/api/v1/invoices/register", resource)
