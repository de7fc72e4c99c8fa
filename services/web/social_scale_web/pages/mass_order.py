"""Mass order: paste `service|link|quantity` lines or upload a CSV, preview the totals and
the invalid lines, then place them all under one key per rendered form; the batch's page."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import falcon
from social_scale_core import errors as e
from social_scale_core.companies import service as companies
from social_scale_core.orders.mass import get_batch, invalid_line, place_mass_order
from social_scale_core.orders.mass_model import MAX_LINES, LineInput, MassRequest
from social_scale_core.orders.mass_text import csv_lines, text_lines
from social_scale_core.orders.mass_view import view_batch
from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.orders.preview import preview_order

from social_scale_web.forms import Form, messages
from social_scale_web.page import Page, see_other


def mass_request(form: Form) -> MassRequest:
    """The batch the form asks for: the company, the multiplier, and one input per line."""
    company_id = form.required("companyId", 64)
    multiplier = form.decimal("invoiceMultiplier")
    upload = (form.many("file") or [""])[-1]
    raw = csv_lines(upload) if upload.strip() else text_lines(form.text("lines", 1_200_000)
                                                              or "")
    if not raw and not any(x.field == "lines" for x in form.errors):
        form.errors.append(e.FieldError("lines", "is empty: paste service|link|quantity "
                                                 "lines or choose a CSV file"))
    if len(raw) > MAX_LINES:
        form.errors.append(e.FieldError("lines", f"has {len(raw)} lines; at most {MAX_LINES}"))
    form.check()
    below = form.text("allowBelowCost", 5) == "on"
    return MassRequest(company_id, multiplier,
                       tuple(_line(n, item, company_id, multiplier, below) for n, item in raw))


def _line(n: int, item: dict[str, Any] | list[e.FieldError], company_id: str,
          multiplier: Decimal | None, below: bool) -> LineInput:
    if isinstance(item, list):
        return invalid_line(n, item)
    bad = [e.FieldError(k, "must be a whole number from 1") for k in ("service", "quantity")
           if not item[k].isdigit() or int(item[k]) < 1 or len(item[k]) > 12]
    if not item["link"]:
        bad.append(e.FieldError("link", "is required"))
    if bad:
        return invalid_line(n, bad)
    return LineInput(n, OrderDraft(company_id=company_id, service=int(item["service"]),
                                   link=item["link"], quantity=int(item["quantity"]),
                                   invoice_multiplier=multiplier, allow_below_cost=below))


class MassOrderPage(Page):
    def _context(self, values: dict[str, str]) -> dict[str, Any]:
        items, _ = companies.list_companies(self.deps.companies, None, 500, 0)
        return {"companies": items, "form": values, "max_lines": MAX_LINES,
                "form_key": values.get("formKey") or secrets.token_urlsafe(18),
                "min_multiplier": self.deps.invoice_policy.min_multiplier}

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        values = {k: v for k, v in req.params.items() if isinstance(v, str) and k != "formKey"}
        self.render(req, resp, "mass_order.html", **self._context(values))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self.form(req)
        values = form.values()
        values.pop("file", None)
        try:
            request = mass_request(form)
            if values.get("action") != "place":
                self.render(req, resp, "mass_order.html", preview=self._preview(request),
                            **self._context(values))
                return
            batch = place_mass_order(self.deps.mass(), request, "console:" + values["formKey"])
        except e.ValidationFailed as exc:
            self.render(req, resp, "mass_order.html", 422, errors=messages(exc),
                        **self._context(values))
            return
        raise see_other(f"/orders/mass/{batch.id}?notice=batch-placed")

    def _preview(self, request: MassRequest) -> dict[str, Any]:
        ports = self.deps.orders()
        invalid: list[tuple[int, dict[str, str]]] = []
        sums = {"cost": Decimal(0), "total": Decimal(0), "profit": Decimal(0)}
        valid = 0
        for item in request.lines:
            try:
                if item.draft is None:
                    raise e.ValidationFailed(item.errors)
                shown = preview_order(ports, item.draft)
            except e.ValidationFailed as exc:
                invalid.append((item.line, messages(exc)))
                continue
            valid += 1
            for name in sums:
                sums[name] += getattr(shown, name)
        return {"valid": valid, "invalid": invalid, "lines": len(request.lines), **sums}

    def on_get_batch(self, req: falcon.Request, resp: falcon.Response, batch_id: str) -> None:
        ports = self.deps.mass()
        view = view_batch(ports.orders, get_batch(ports, batch_id))
        self.render(req, resp, "mass_batch.html", view=view)


