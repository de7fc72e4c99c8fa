"""Invoices: the filtered list with totals, an invoice's page, its legal transitions, PDF."""

from __future__ import annotations

from decimal import Decimal

import falcon
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

from social_scale_web.page import Page, see_other
from social_scale_web.pages.orders import _day
from social_scale_web.paging import Pager

PAGE_SIZE = 50
# What the operator presses for each target status, in words.
ACTIONS = {InvoiceStatus.SENT: "Mark sent", InvoiceStatus.PAID: "Mark paid",
           InvoiceStatus.VOID: "Void"}


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
            limit=pager.limit, offset=pager.offset)
        invoices, total = list_invoices(self.deps.uow, query)
        sums: dict[str, Decimal] = {}
        for inv in invoices:
            sums[inv.currency] = sums.get(inv.currency, Decimal(0)) + inv.total
        self.render(req, resp, "invoices.html", invoices=invoices, now=now, sums=sums,
                    pager=pager.with_total(total), statuses=list(InvoiceStatus),
                    filters={k: v for k, v in req.params.items() if isinstance(v, str)})


class InvoicePage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        view = get_invoice(self.deps.uow, invoice_id)
        invoice = view.invoice
        actions = [(s.value, ACTIONS[s]) for s in ACTIONS if s in ALLOWED[invoice.status]]
        self.render(req, resp, "invoice.html", invoice=invoice, notes=view.credit_notes,
                    history=history(self.deps.uow, invoice_id), actions=actions,
                    now=self.deps.clock.now())

    def on_post_status(self, req: falcon.Request, resp: falcon.Response,
                       invoice_id: str) -> None:
        target = self.form(req).text("status", 20) or ""
        if target not in {s.value for s in ACTIONS}:
            raise see_other(f"/invoices/{invoice_id}")
        actor = f"console:{req.context.console.user.email}"
        change_status(self.deps.uow, invoice_id, InvoiceStatus(target), self.deps.clock.now(),
                      actor)
        raise see_other(f"/invoices/{invoice_id}?notice=status-changed")

    def on_get_pdf(self, req: falcon.Request, resp: falcon.Response, invoice_id: str) -> None:
        document = invoice_pdf(self.deps.uow, self.deps.renderer, invoice_id,
                               self.deps.clock.now())
        resp.content_type = "application/pdf"
        if req.get_param("inline") == "1":
            resp.set_header("Content-Disposition", f'inline; filename="{document.file_name}"')
        else:
            resp.downloadable_as = document.file_name
        resp.data = document.content
