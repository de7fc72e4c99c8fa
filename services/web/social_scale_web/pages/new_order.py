"""New order: pick company, network and service; the type's fields; a live preview of
cost, invoice and profit computed by the server; an idempotent submit."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import falcon
from social_scale_core import errors as e
from social_scale_core.companies import service as companies
from social_scale_core.orders.model import OrderParams
from social_scale_core.orders.place_order import place_order
from social_scale_core.orders.placement_rules import TYPE_FIELDS, OrderDraft
from social_scale_core.orders.preview import OrderPreview, preview_order
from social_scale_core.panel.integrations import browse_services

from social_scale_web import formatting
from social_scale_web.balance import BalanceCache
from social_scale_web.forms import Form, messages
from social_scale_web.page import Page, see_other

TEXT_PARAMS = ("comments", "usernames", "hashtags", "username", "media", "answerNumber",
               "keywords")


def draft_from(form: Form) -> OrderDraft:
    """The order the form asks for; every unreadable field named at once."""
    company_id, link = form.required("companyId", 64), form.required("link", 2000)
    service, quantity = form.integer("service", 1), form.integer("quantity", 1)
    if service is None and not any(x.field == "service" for x in form.errors):
        form.errors.append(e.FieldError("service", "is required: pick a service"))
    if quantity is None and not any(x.field == "quantity" for x in form.errors):
        form.errors.append(e.FieldError("quantity", "is required"))
    multiplier = form.decimal("invoiceMultiplier")
    texts = {name: form.text(name, 100_000) for name in TEXT_PARAMS}
    params = OrderParams(runs=form.integer("runs", 0), interval=form.integer("interval", 0),
                         comments=texts["comments"], usernames=texts["usernames"],
                         hashtags=texts["hashtags"], username=texts["username"],
                         media=texts["media"], answer_number=texts["answerNumber"],
                         keywords=texts["keywords"])
    form.check()
    assert service is not None and quantity is not None
    return OrderDraft(company_id=company_id, service=service, link=link, quantity=quantity,
                      invoice_multiplier=multiplier, params=params,
                      allow_below_cost=form.text("allowBelowCost", 5) == "on")


def figures(preview: OrderPreview, balance: Any, floor: Decimal) -> dict[str, str]:
    """The preview as the page shows it (also the JSON of the live preview)."""
    cur = preview.currency
    below = " (below the floor: allowed on purpose)" if preview.multiplier < floor else ""
    shown = {
        "cost": formatting.money(preview.cost, cur, 4),
        "multiplier": f"{preview.multiplier.normalize():f}{below}",
        "floor": f"{floor.normalize():f}",
        "subtotal": formatting.money(preview.subtotal, cur),
        "tax": formatting.money(preview.tax_total, cur),
        "total": formatting.money(preview.total, cur),
        "profit": formatting.money(preview.profit, cur),
        "margin": formatting.percent(preview.margin),
        "balanceAfter": "unknown (panel unreachable)",
    }
    if balance is not None and balance.currency == cur:
        shown["balanceAfter"] = formatting.money(balance.amount - preview.cost, cur, 4)
    return shown


class NewOrderPage(Page):
    def __init__(self, *args: Any, balance: BalanceCache) -> None:
        super().__init__(*args)
        self.balance = balance
        self.floor = self.deps.invoice_policy.min_multiplier

    def _context(self, req: falcon.Request, values: dict[str, str]) -> dict[str, Any]:
        listing = browse_services(self.deps.catalog, self.deps.uow)
        networks = [name for name, _ in listing.networks]
        owner = next((name for name, group in listing.networks for s in group
                      if str(s.service_id) == values.get("service")), None)
        network = owner or values.get("network") or (networks[0] if networks else "")
        services = next((s for name, s in listing.networks if name == network), [])
        chosen = next((s for s in services if str(s.service_id) == values.get("service")), None)
        return {"companies": self._companies(values), "networks": networks, "network": network,
                "services": services, "chosen": chosen, "stale": listing.snapshot.stale,
                "type_fields": TYPE_FIELDS.get(chosen.type, ()) if chosen else (),
                "form_key": values.get("formKey") or secrets.token_urlsafe(18),
                "default_multiplier": self.deps.invoice_policy.default_multiplier,
                "min_multiplier": self.floor,
                "form": values}

    def _companies(self, values: dict[str, str]) -> list[Any]:
        search = (values.get("companySearch") or "").strip()[:200] or None
        items, _ = companies.list_companies(self.deps.companies, search, 200, 0)
        chosen = values.get("companyId")
        if chosen and all(c.id != chosen for c in items):
            try:  # the chosen company stays in the list whatever the search
                items.insert(0, companies.get_company(self.deps.companies, chosen))
            except e.NotFound:
                values.pop("companyId")
        return items

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        values = {k: v for k, v in req.params.items() if isinstance(v, str)}
        values.pop("formKey", None)
        company_id = values.get("companyId")
        if company_id and not values.get("invoiceMultiplier"):
            try:
                company = companies.get_company(self.deps.companies, company_id)
                multiplier = company.details.default_invoice_multiplier
                values["invoiceMultiplier"] = f"{multiplier.normalize():f}" if multiplier else ""
            except e.NotFound:
                values.pop("companyId")
        self.render(req, resp, "new_order.html", **self._context(req, values))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self.form(req)
        values = form.values()
        try:
            draft = draft_from(form)
            if values.get("action") == "preview":
                preview = figures(preview_order(self.deps.orders(), draft), self.balance.get(),
                                  self.floor)
                self.render(req, resp, "new_order.html", preview=preview,
                            **self._context(req, values))
                return
            placed = place_order(self.deps.orders(), draft, "console:" + values["formKey"])
        except e.ValidationFailed as exc:
            self.render(req, resp, "new_order.html", 422, errors=messages(exc),
                        **self._context(req, values))
            return
        except (e.OrderRejected, e.ProviderError, e.IdempotencyConflict) as exc:
            self.render(req, resp, "order_result.html", 502 if isinstance(
                exc, e.ProviderError) else 409, problem=exc,
                order_id=getattr(exc, "order_id", None),
                unknown=isinstance(exc, e.ProviderTimeout | e.ProviderOutcomeUnknown))
            return
        self.balance.forget()
        raise see_other(f"/orders/{placed.order.id}?notice=placed")

    def on_post_preview(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The live preview's JSON: the figures, or the messages per field."""
        form = self.form(req)
        try:
            preview = preview_order(self.deps.orders(), draft_from(form))
        except e.ValidationFailed as exc:
            resp.media = {"ok": False, "errors": messages(exc)}
            return
        resp.media = {"ok": True, "figures": figures(preview, self.balance.get(), self.floor)}
