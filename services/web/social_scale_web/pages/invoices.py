"""Invoices: the filtered list with totals, an invoice's page, its legal transitions, PDF,
mailing it to the client with its delivery history, and the accountant's register."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import falcon
from social_scale_adapters.export.register import register_file
from social_scale_core.companies.service import get_company
from social_scale_core.delivery.send import SendRequest, deliveries, send_invoice
from social_scale_core.errors import FieldError, NotFound, ValidationFailed
from social_scale_core.invoicing.documents import invoice_pdf
from social_scale_core.invoicing.lifecycle import (
    ALLOWED,
    change_status,
    get_invoice,
    history,
    list_invoices,
)
from social_scale_core.invoicing.model import InvoiceStatus
from social_scale_core.invoicing.ports import InvoiceFilter
from social_scale_core.invoicing.register import invoice_register

from social_scale_web.forms import Form, messages
from social_scale_web.page import Page, see_other
from social_scale_web.pages.orders import _day
from social_scale_web.paging import Pager

PAGE_SIZE = 50
# What the operator presses for each target status, in words.
ACTIONS = {InvoiceStatus.SENT: "Mark sent", InvoiceStatus.PAID: "Mark paid",
           InvoiceStatus.VOID: "Void"}
MAILABLE = {InvoiceStatus.DRAFT, InvoiceStatus.SENT}


class InvoicesPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        pager = Pager.of(req, PAGE_SIZE)
        zone, now = self.deps.invoice_policy.timezone, self.deps.clock.now()
        status = req.get_param("status") or ""
        query = InvoiceFilter(
            now=now, status=InvoiceStatus(status) if status in set(InvoiceStatus) else None,
            company_id=(req.get_param("companyId") or "")[:64] or None,
            issued_from=_day(req.get_param("from"), zone, False),
            issued_to=_day(req.get_param("to"), zone, True),
            limit=pager.limit, offset=pager.offset, count_upto=pager.count_upto)
        invoices, total = list_invoices(self.deps.uow, query)
        sums: dict[str, Decimal] = {}
        for inv in invoices:
            sums[inv.currency] = sums.get(inv.currency, Decimal(0)) + inv.total
        self.render(req, resp, "invoices.html", invoices=invoices, now=now, sums=sums,
                    pager=pager.with_total(total, query.count_upto), statuses=list(InvoiceStatus),
                    filters={k: v for k, v in req.params.items() if isinstance(v, str)},
                    month_start=now.astimezone(zone).date().replace(day=1),
                    today=now.astimezone(zone).date())


class InvoicePage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        self.render(req, resp, "invoice.html", **self._context(invoice_id))

    def _context(self, invoice_id: str) -> dict[str, Any]:
        view = get_invoice(self.deps.uow, invoice_id)
        invoice = view.invoice
        actions = [(s.value, ACTIONS[s]) for s in ACTIONS if s in ALLOWED[invoice.status]]
        return {"invoice": invoice, "notes": view.credit_notes, "actions": actions,
                "history": history(self.deps.uow, invoice_id), "now": self.deps.clock.now(),
                "deliveries": deliveries(self.deps.delivery(), invoice_id),
                "mailable": invoice.status in MAILABLE,
                "form": {"to": self._company_email(invoice.company_id) or invoice.buyer.email
                         or ""}}

    def _company_email(self, company_id: str) -> str | None:
        try:
            return get_company(self.deps.companies, company_id).details.email
        except NotFound:
            return None

    def on_post_status(self, req: falcon.Request, resp: falcon.Response,
                       invoice_id: str) -> None:
        target = self.form(req).text("status", 20) or ""
        if target not in {s.value for s in ACTIONS}:
            raise see_other(f"/invoices/{invoice_id}")
        actor = f"console:{req.context.console.user.email}"
        change_status(self.deps.uow, invoice_id, InvoiceStatus(target), self.deps.clock.now(),
                      actor)
        raise see_other(f"/invoices/{invoice_id}?notice=status-changed")

    def on_post_send(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        """The same use case as `POST /api/v1/invoices/{id}/send`: queued in the outbox."""
        form = self.form(req)
        try:
            send_invoice(self.deps.delivery(), invoice_id, send_request(form),
                         f"console:{req.context.console.user.email}")
        except ValidationFailed as exc:
            context = {**self._context(invoice_id), "form": form.values()}
            self.render(req, resp, "invoice.html", 422, errors=messages(exc), **context)
            return
        raise see_other(f"/invoices/{invoice_id}?notice=mail-queued")

    def on_get_pdf(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        document = invoice_pdf(self.deps.uow, self.deps.renderer, invoice_id,
                               self.deps.clock.now())
        resp.content_type = "application/pdf"
        if req.get_param("inline") == "1":
            resp.set_header("Content-Disposition", f'inline; filename="{document.file_name}"')
        else:
            resp.downloadable_as = document.file_name
        resp.data = document.content


def send_request(form: Form) -> SendRequest:
    """To (blank: the company's email), cc and the operator's message, checked."""
    to = form.emails("to", most=1)
    cc = form.emails("cc")
    message = form.text("message", 2000)
    form.check()
    return SendRequest(to=to[0] if to else None, cc=tuple(cc), message=message)


class RegisterPage(Page):
    """`/invoices/register?from=&to=&format=csv|xlsx`: the same file as the API's."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        start, end = self._day("from", req), self._day("to", req)
        file_format = req.get_param("format") or "csv"
        if file_format not in ("csv", "xlsx"):
            raise ValidationFailed([FieldError("format", "must be csv or xlsx")],
                                   "The format must be csv or xlsx.")
        zone = self.deps.invoice_policy.timezone
        rows = invoice_register(self.deps.uow, datetime.combine(start, time(), zone),
                                datetime.combine(end + timedelta(days=1), time(), zone),
                                self.deps.clock.now(), zone)
        resp.content_type, resp.data = register_file(rows, file_format)
        resp.downloadable_as = f"invoice-register-{start}-{end}.{file_format}"

    @staticmethod
    def _day(name: str, req: falcon.Request) -> date:
        try:
            return date.fromisoformat(req.get_param(name) or "")
        except ValueError:
            label = "From" if name == "from" else "To"
            raise ValidationFailed([FieldError(name, "must be a day such as 2026-04-01")],
                                   f"{label} must be a day such as 2026-04-01.") from None
