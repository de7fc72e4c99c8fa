"""The console's share of issue 11 over TestClient: the multiplier floor on the new-order
and mass-order forms (refused unless "allow below cost" is ticked, then recorded and
filterable), the floor in the preview, and `canceling` as its own badge."""

from __future__ import annotations

import re
from typing import Any

from social_scale_core.orders.admin import list_orders
from social_scale_core.orders.ports import OrderQuery

from tests.http.console_support import Browser

FOLLOWERS = 2124


def new_company(browser: Browser) -> str:
    made = browser.post("/companies/new", {"name": "Cheap Co"}, csrf_from="/companies/new")
    return str(made.headers["location"].split("/companies/")[1].split("?")[0])


def order_form(company_id: str, key: str, **extra: str) -> dict[str, str]:
    return {"companyId": company_id, "service": str(FOLLOWERS), "quantity": "1000",
            "link": "https://instagram.com/cheap", "formKey": key, "invoiceMultiplier": "0.5",
            "action": "place", **extra}


def test_below_the_floor_is_refused_unless_allowed_then_recorded_and_filtered(
        signed_in: Browser, container: Any) -> None:
    company_id = new_company(signed_in)
    path = f"/orders/new?companyId={company_id}&service={FOLLOWERS}"
    assert "Allow a multiplier below 1 (below cost)" in signed_in.get(path).text
    refused = signed_in.post("/orders/new", order_form(company_id, "below-1"), csrf_from=path)
    assert refused.status_code == 422, refused.text
    assert 'id="e-invoiceMultiplier"' in refused.text
    assert list_orders(container.order_ports(), OrderQuery(), 10, 0)[1] == 0  # nothing sent
    allowed = signed_in.post("/orders/new", order_form(company_id, "below-2",
                                                       allowBelowCost="on"), csrf_from=path)
    assert allowed.status_code == 303, allowed.text
    order_page = signed_in.get(allowed.headers["location"]).text
    assert "invoiced below the multiplier floor on purpose" in order_page
    signed_in.post("/orders/new", {**order_form(company_id, "above-1"),
                                   "invoiceMultiplier": "3"}, csrf_from=path)
    below = signed_in.get("/orders?belowCost=yes").text
    above = signed_in.get("/orders?belowCost=no").text
    assert below.count("data-below-cost") == 1 and below.count('name="apiOrderId"') == 1
    assert "data-below-cost" not in above and above.count('name="apiOrderId"') == 1


def test_the_preview_shows_the_floor(signed_in: Browser) -> None:
    company_id = new_company(signed_in)
    path = f"/orders/new?companyId={company_id}&service={FOLLOWERS}"
    shown = signed_in.post("/orders/new/preview", {
        **order_form(company_id, "p-1", allowBelowCost="on"), "action": "preview"},
        csrf_from=path)
    assert shown.json["ok"] is True, shown.json
    figures = shown.json["figures"]
    assert figures["floor"] == "1"
    assert figures["multiplier"] == "0.5 (below the floor: allowed on purpose)"


def test_a_mass_order_below_the_floor_needs_the_checkbox(signed_in: Browser,
                                                         container: Any) -> None:
    company_id = new_company(signed_in)
    body = {"companyId": company_id, "lines": f"{FOLLOWERS}|https://instagram.com/a|100",
            "invoiceMultiplier": "0.5", "formKey": "mass-below", "action": "preview"}
    page = signed_in.post("/orders/mass", body, csrf_from="/orders/mass").text
    assert 'data-figure="mass-lines">0 valid of 1' in page
    assert "<strong>Line 1</strong>: invoiceMultiplier" in page
    allowed = signed_in.post("/orders/mass", {**body, "allowBelowCost": "on"},
                             csrf_from="/orders/mass").text
    assert 'data-figure="mass-lines">1 valid of 1' in allowed


def test_canceling_has_its_own_badge(signed_in: Browser, container: Any) -> None:
    company_id = new_company(signed_in)
    services = container.simulator().state.services
    service = next(i for i, s in services.items() if s.get("cancel") and s["type"] == "Default"
                   and int(s["min"]) <= 100 <= int(s["max"]) and "instagram" in
                   s["name"].lower())
    path = f"/orders/new?companyId={company_id}&service={service}"
    placed = signed_in.post("/orders/new", {**order_form(company_id, "c-1"), "service":
                                            str(service), "quantity": "100",
                                            "invoiceMultiplier": "3"}, csrf_from=path)
    order_path = placed.headers["location"].split("?")[0]
    asked = signed_in.post(f"{order_path}/cancel", {}, csrf_from=order_path)
    assert asked.status_code == 303, asked.text
    page = signed_in.get(order_path).text
    assert re.search(r'<span class="badge s-canceling">canceling</span>', page), page[:2000]
