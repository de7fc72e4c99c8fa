"""`/api/v1/invoices`: create for an order, list, read, download as PDF, change status."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import falcon
from pydantic import AfterValidator, BeforeValidator, Field
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.clock import Clock
from social_scale_core.invoicing import InvoiceFilter, InvoicePolicy, InvoiceStatus
from social_scale_core.invoicing.documents import invoice_pdf
from social_scale_core.invoicing.issue import invoice_order
from social_scale_core.invoicing.lifecycle import (
    UowFactory,
    change_status,
    company_invoices,
    get_invoice,
    history,
    list_invoices,
)
from social_scale_core.invoicing.ports import InvoiceRenderer
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.resources.invoice_schemas import (
    CreateBody,
    InvoiceDetailEnvelope,
    InvoiceDetailOut,
    InvoiceEnvelope,
    InvoiceOut,
    StatusBody,
    StatusName,
)
from social_scale_http.schemas import Page, PageQuery, in_supported_years

PREFIX = "/api/v1/invoices"
TAGS = ("invoices",)


def _date_or_time(value: object) -> object:
    """`2026-11-24` is a date (a whole day); anything longer must be an ISO 8601 time."""
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("use a date (2026-11-24) or an ISO 8601 time") from None


DateOrTime = Annotated[date | datetime, BeforeValidator(_date_or_time),
                      AfterValidator(in_supported_years)]


class CompanyInvoicesQuery(PageQuery):
    status: StatusName | None = Field(None, description="`overdue`: due date passed, unpaid")
    from_: DateOrTime | None = Field(None, alias="from", description="issued at or after")
    to: DateOrTime | None = Field(None, description="issued before (a date: through it)")


class InvoicesQuery(CompanyInvoicesQuery):
    company_id: str | None = Field(None, max_length=64)


def _moment(value: datetime | date | None, end: bool) -> datetime | None:
    """A filter bound in UTC; a bare date `to` includes that whole day."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1 if end else 0), time(), UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _actor(req: falcon.Request) -> str:
    principal = getattr(req.context, "principal", None)
    return str(getattr(principal, "id", None) or "admin")


class _Base:
    def __init__(self, uow_factory: UowFactory, clock: Clock, policy: InvoicePolicy,
                 renderer: InvoiceRenderer) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._policy = policy
        self._renderer = renderer

    def _page(self, query: CompanyInvoicesQuery, company_id: str | None,
              *, of_company: bool = False) -> Page[InvoiceOut]:
        now = self._clock.now()
        status = InvoiceStatus(query.status) if query.status else None
        lister = company_invoices if of_company else list_invoices
        items, total = lister(self._uow, InvoiceFilter(
            now=now, status=status, company_id=company_id,
            issued_from=_moment(query.from_, end=False), issued_to=_moment(query.to, end=True),
            limit=query.limit, offset=query.offset,
        ))
        return Page[InvoiceOut](items=[InvoiceOut.of(i, now) for i in items], total=total,
                                limit=query.limit, offset=query.offset)

    def _detail(self, invoice_id: str) -> InvoiceDetailEnvelope:
        view = get_invoice(self._uow, invoice_id)
        entries = history(self._uow, invoice_id)
        return InvoiceDetailEnvelope(
            invoice=InvoiceDetailOut.of_view(view, entries, self._clock.now()))


class InvoicesResource(_Base):
    @operation("Invoices, newest first", tags=TAGS, query=InvoicesQuery,
               response=Page[InvoiceOut], errors=(401, 422))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: InvoicesQuery) -> Page[InvoiceOut]:
        return self._page(query, query.company_id or None)

    @operation("Invoices of one company, newest first", tags=TAGS, query=CompanyInvoicesQuery,
               response=Page[InvoiceOut], errors=(401, 404, 422))
    def on_get_company(self, req: falcon.Request, resp: falcon.Response,
                       query: CompanyInvoicesQuery, company_id: str) -> Page[InvoiceOut]:
        return self._page(query, company_id, of_company=True)

    @operation("Invoice an order that has none (409 if it has one)", tags=TAGS, body=CreateBody,
               response=InvoiceEnvelope, status=201, errors=(401, 404, 409, 422))
    def on_post_order(self, req: falcon.Request, resp: falcon.Response, body: CreateBody,
                      order_id: str) -> InvoiceEnvelope:
        now = self._clock.now()
        invoice = invoice_order(self._uow, order_id, body.multiplier, now, self._policy,
                                _actor(req))
        return InvoiceEnvelope(invoice=InvoiceOut.of(invoice, now))


class InvoiceResource(_Base):
    @operation("One invoice, with its credit notes and history", tags=TAGS,
               response=InvoiceDetailEnvelope, errors=(401, 404))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               invoice_id: str) -> InvoiceDetailEnvelope:
        return self._detail(invoice_id)

    @operation("Move an invoice along draft -> sent -> paid, or void it (409 if illegal)",
               tags=TAGS, body=StatusBody, response=InvoiceDetailEnvelope,
               errors=(401, 404, 409, 422))
    def on_put_status(self, req: falcon.Request, resp: falcon.Response, body: StatusBody,
                      invoice_id: str) -> InvoiceDetailEnvelope:
        change_status(self._uow, invoice_id, InvoiceStatus(body.status), self._clock.now(),
                      _actor(req))
        return self._detail(invoice_id)

    @operation("The invoice as a PDF", tags=TAGS, produces="application/pdf",
               errors=(401, 404))
    def on_get_download(self, req: falcon.Request, resp: falcon.Response,
                        invoice_id: str) -> None:
        document = invoice_pdf(self._uow, self._renderer, invoice_id, self._clock.now())
        resp.content_type = "application/pdf"
        resp.downloadable_as = document.file_name
        resp.data = document.content


def register(api: Api, container: Container) -> None:
    def uow_factory() -> SqlUnitOfWork:
        return container.uow()

    deps: dict[str, Any] = {"uow_factory": uow_factory, "clock": container.clock(),
                            "policy": container.invoice_policy(),
                            "renderer": container.invoice_renderer()}
    invoices, invoice = InvoicesResource(**deps), InvoiceResource(**deps)
    api.route(PREFIX, invoices)
    api.route(f"{PREFIX}/company/{{company_id}}", invoices, suffix="company")
    api.route(f"{PREFIX}/order/{{order_id}}", invoices, suffix="order")
    api.route(f"{PREFIX}/{{invoice_id}}", invoice)
    api.route(f"{PREFIX}/{{invoice_id}}/status", invoice, suffix="status")
    api.route(f"{PREFIX}/{{invoice_id}}/download", invoice, suffix="download")
