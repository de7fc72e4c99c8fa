"""Companies: a searchable list with their figures, create, edit, soft delete, a company's
page with its orders' profit and invoices."""

from __future__ import annotations

from typing import Any

import falcon
from social_scale_core.analytics import reports
from social_scale_core.analytics.model import Period
from social_scale_core.companies import service as companies
from social_scale_core.companies.model import CompanyDetails, validated
from social_scale_core.errors import FieldError, ValidationFailed
from social_scale_core.invoicing.lifecycle import list_invoices
from social_scale_core.invoicing.ports import InvoiceFilter

from social_scale_web.forms import Form, messages
from social_scale_web.page import Page, see_other
from social_scale_web.pages.auth import client_ip
from social_scale_web.pages.dashboard import inr
from social_scale_web.paging import Pager

PAGE_SIZE = 25
# form field (the API's camelCase name, so core messages land beside it) -> details field
FIELDS = {"name": "name", "email": "email", "phone": "phone", "address": "address",
          "gstin": "gstin", "stateCode": "state_code", "notes": "notes"}


def details_from(form: Form) -> dict[str, Any]:
    values: dict[str, Any] = {attr: form.text(name) for name, attr in FIELDS.items()}
    values["default_invoice_multiplier"] = form.decimal("defaultInvoiceMultiplier")
    if not values["name"]:
        form.errors.append(FieldError("name", "is required"))
    try:  # the core's own checks too, so that every message shows at once
        validated(CompanyDetails(**{**values, "name": values["name"] or "-"}))
    except ValidationFailed as exc:
        form.errors.extend(exc.errors)
    form.check()
    return values


def form_values(details: CompanyDetails) -> dict[str, Any]:
    values = {name: getattr(details, attr) or "" for name, attr in FIELDS.items()}
    values["defaultInvoiceMultiplier"] = details.default_invoice_multiplier or ""
    return values


class CompaniesPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        pager = Pager.of(req, PAGE_SIZE)
        search = (req.get_param("search") or "").strip()[:200] or None
        items, total = companies.list_companies(self.deps.companies, search, pager.limit,
                                                pager.offset)
        figures = reports.company_figures(self.deps.uow, Period(), [c.id for c in items])
        rows = [(c, figures[c.id], inr(figures[c.id].money)) for c in items]
        self.render(req, resp, "companies.html", rows=rows,
                    pager=pager.with_total(total), search=search or "")


class CompanyFormPage(Page):
    """New company (`/companies/new`) and edit (`/companies/{id}/edit`)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response,
               company_id: str | None = None) -> None:
        company = companies.get_company(self.deps.companies, company_id) if company_id else None
        self.render(req, resp, "company_form.html", company=company,
                    form=form_values(company.details) if company else {})

    def on_post(self, req: falcon.Request, resp: falcon.Response,
                company_id: str | None = None) -> None:
        form = self.form(req)
        company = companies.get_company(self.deps.companies, company_id) if company_id else None
        try:
            values = details_from(form)
            if company is None:
                company = companies.create_company(  # the console is the admin's door
                    self.deps.companies, CompanyDetails(**values), client_ip(req),
                    by_admin=True)
            else:
                company = companies.update_company(self.deps.companies, company.id, values)
        except ValidationFailed as exc:
            self.render(req, resp, "company_form.html", 422, company=company,
                        form=form.values(), errors=messages(exc))
            return
        raise see_other(f"/companies/{company.id}?notice=saved")


class CompanyPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response, company_id: str) -> None:
        company = companies.get_company(self.deps.companies, company_id)
        pager = Pager.of(req, PAGE_SIZE)
        history = reports.company_history(self.deps.uow, company_id, Period(), pager.limit,
                                          pager.offset)
        invoices, invoice_count = list_invoices(self.deps.uow, InvoiceFilter(
            now=self.deps.clock.now(), company_id=company_id, limit=10))
        self.render(req, resp, "company.html", company=company, history=history,
                    summary=inr(history.summary.money), pager=pager.with_total(history.total),
                    invoices=invoices, invoice_count=invoice_count, now=self.deps.clock.now())

    def on_post_delete(self, req: falcon.Request, resp: falcon.Response,
                       company_id: str) -> None:
        companies.delete_company(self.deps.companies, company_id)
        raise see_other("/companies?notice=deleted")
