"""`/api/v1/invoices` over HTTP: create, list with filters, read, status, PDF download."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from dependency_injector import providers
from falcon import testing
from pypdf import PdfReader
from social_scale_app.app import create_app
from social_scale_core.clock import FrozenClock
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem, login
from tests.http.integration_helpers import admin_headers
from tests.invoice_seed import bold, seed_company, seed_order

BASE = "/api/v1/invoices"
NOW = datetime(2026, 11, 24, 10, 51, 41, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def container(make_container: Callable[..., Container], clock: FrozenClock) -> Container:
    made = make_container()
    made.clock.override(providers.Object(clock))
    return made


def new_order(container: Container, *, company: str | None = None, **kw: Any) -> str:
    with container.engine().begin() as conn:
        company_id = company or seed_company(conn)
        return seed_order(conn, company_id, **kw)


def bearer(client: testing.TestClient, credentials: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(client, credentials)['accessToken']}"}


def create(client: testing.TestClient, headers: dict[str, str], order_id: str,
           body: dict[str, Any] | None = None) -> dict[str, Any]:
    result = client.simulate_post(f"{BASE}/order/{order_id}", json=body or {}, headers=headers)
    assert result.status_code == 201, result.text
    invoice: dict[str, Any] = result.json["invoice"]
    return invoice


def test_create_for_an_order_prices_it_and_renders_money_as_strings(
    client: testing.TestClient, auth_headers: dict[str, str], container: Container,
) -> None:
    order_id = new_order(container)
    invoice = create(client, auth_headers, order_id)
    assert invoice["number"] == "SS/26-27/000001" and invoice["orderId"] == order_id
    assert (invoice["multiplier"], invoice["baseCost"], invoice["subtotal"],
            invoice["taxTotal"], invoice["total"]) == ("8", "9.9980", "79.98", "0.00", "79.98")
    assert invoice["status"] == "draft" and invoice["currency"] == "INR"
    assert invoice["issuedAt"] == "2026-11-24T10:51:41Z"
    assert invoice["dueAt"] == "2026-12-01T10:51:41Z" and invoice["paidAt"] is None
    # 1000 x 0.07998 = 79.98: the unit price multiplies back to the amount (not 0.08 = 80.00)
    assert invoice["lines"] == [{
        "description": "Instagram Followers [Refill 30D]", "quantity": 1000,
        "unitPrice": "0.07998", "amount": "79.98", "sac": None, "taxes": []}]
    assert invoice["taxes"] == [] and invoice["buyer"]["name"] == "Café Ünïcode Pvt. Ltd."
    again = client.simulate_post(f"{BASE}/order/{order_id}", json={}, headers=auth_headers)
    assert_problem(again, 409, "conflict")


def test_a_custom_multiplier_and_the_errors(
    client: testing.TestClient, auth_headers: dict[str, str], container: Container,
) -> None:
    order_id = new_order(container, cost="1.2345")
    invoice = create(client, auth_headers, order_id, {"multiplier": "2.5"})
    assert (invoice["multiplier"], invoice["total"]) == ("2.5", "3.09")
    assert_problem(client.simulate_post(f"{BASE}/order/nope", json={}, headers=auth_headers),
                   404, "not_found")
    for bad in (0, "-1", "1000.5", "abc", "1.23456"):
        result = client.simulate_post(f"{BASE}/order/{new_order(container)}",
                                      json={"multiplier": bad}, headers=auth_headers)
        body = assert_problem(result, 422, "validation_error")
        assert body["errors"][0]["field"] == "multiplier", bad


def test_list_filters_and_paginates(
    client: testing.TestClient, auth_headers: dict[str, str], container: Container,
    clock: FrozenClock, admin_credentials: dict[str, str],
) -> None:
    with container.engine().begin() as conn:
        acme = seed_company(conn, name="Acme")
    first = create(client, auth_headers, new_order(container, company=acme))
    client.simulate_put(f"{BASE}/{first['id']}/status", json={"status": "sent"},
                        headers=auth_headers)
    clock.advance(days=2)
    auth_headers = bearer(client, admin_credentials)  # access tokens live 15 minutes
    second = create(client, auth_headers, new_order(container))
    clock.advance(days=6)  # the first is now past its due date
    auth_headers = bearer(client, admin_credentials)

    def ids(query: str, path: str = BASE) -> list[str]:
        result = client.simulate_get(path, query_string=query, headers=auth_headers)
        assert result.status_code == 200, result.text
        return [i["id"] for i in result.json["items"]]

    assert ids("") == [second["id"], first["id"]]
    assert ids("status=overdue") == [first["id"]] and ids("status=sent") == []
    assert ids("status=draft") == [second["id"]]
    assert ids(f"companyId={acme}") == [first["id"]]
    assert ids("", f"{BASE}/company/{acme}") == [first["id"]]
    assert ids("from=2026-11-25") == [second["id"]] and ids("to=2026-11-24") == [first["id"]]
    assert ids("from=2026-11-26T10:51:41Z") == [second["id"]]
    page = client.simulate_get(BASE, query_string="limit=1&offset=1", headers=auth_headers)
    assert {k: v for k, v in page.json.items() if k != "items"} == {
        "total": 2, "limit": 1, "offset": 1}
    assert page.json["items"][0]["status"] == "overdue"
    for query, field in (("status=late", "status"), ("limit=0", "limit"), ("from=x", "from")):
        bad = client.simulate_get(BASE, query_string=query, headers=auth_headers)
        assert assert_problem(bad, 422, "validation_error")["errors"][0]["field"] == field


def test_status_lifecycle_over_http(
    client: testing.TestClient, auth_headers: dict[str, str], container: Container,
) -> None:
    invoice = create(client, auth_headers, new_order(container))
    url = f"{BASE}/{invoice['id']}/status"
    assert_problem(client.simulate_put(url, json={"status": "paid"}, headers=auth_headers),
                   409, "illegal_transition")
    sent = client.simulate_put(url, json={"status": "sent"}, headers=auth_headers)
    assert sent.status_code == 200 and sent.json["invoice"]["status"] == "sent"
    paid = client.simulate_put(url, json={"status": "paid"}, headers=auth_headers).json
    assert paid["invoice"]["paidAt"] == "2026-11-24T10:51:41Z"
    assert [(h["action"], h["newStatus"]) for h in paid["invoice"]["history"]] == [
        ("issued", "draft"), ("status", "sent"), ("status", "paid")]
    assert paid["invoice"]["history"][1]["actor"] != "system"
    assert_problem(client.simulate_put(url, json={"status": "void"}, headers=auth_headers),
                   409, "illegal_transition")
    overdue = client.simulate_put(url, json={"status": "overdue"}, headers=auth_headers)
    assert assert_problem(overdue, 422, "validation_error")["errors"][0]["field"] == "status"
    assert_problem(client.simulate_put(f"{BASE}/nope/status", json={"status": "sent"},
                                       headers=auth_headers), 404, "not_found")
    got = client.simulate_get(f"{BASE}/{invoice['id']}", headers=auth_headers)
    assert got.json["invoice"]["status"] == "paid" and got.json["invoice"]["creditNotes"] == []


def test_download_is_a_pdf_with_a_safe_name_and_no_internal_numbers(
    client: testing.TestClient, auth_headers: dict[str, str], container: Container,
) -> None:
    with container.engine().begin() as conn:
        company = seed_company(conn, name="Café Ünïcode Pvt. Ltd. 🚀")
    invoice = create(client, auth_headers, new_order(
        container, company=company, cost="1543.2109",
        service_name=bold("Instagram Likes") + " ⚡"), {"multiplier": "7.77"})
    result = client.simulate_get(f"{BASE}/{invoice['id']}/download", headers=auth_headers)
    assert result.status_code == 200
    assert result.headers["content-type"] == "application/pdf"
    assert result.headers["content-disposition"] == (
        'attachment; filename="SS-26-27-000001.pdf"')
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(result.content)).pages)
    assert "Café Ünïcode Pvt. Ltd." in text and "Instagram Likes" in text
    assert "₹11,990.75" in text and "SS/26-27/000001" in text
    assert "7.77" not in text and "1543" not in text and "1,543" not in text
    assert "🚀" not in text and "⚡" not in text
    assert_problem(client.simulate_get(f"{BASE}/nope/download", headers=auth_headers),
                   404, "not_found")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", BASE), ("GET", f"{BASE}/x"), ("GET", f"{BASE}/x/download"),
    ("GET", f"{BASE}/company/x"), ("POST", f"{BASE}/order/x"), ("PUT", f"{BASE}/x/status"),
])
def test_every_invoice_endpoint_needs_the_admin(client: testing.TestClient, method: str,
                                                path: str) -> None:
    assert_problem(client.simulate_request(method, path, json={}), 401, "invalid_token")


def test_gst_settings_bill_tax_with_the_agency_as_seller(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(invoice_tax_mode="gst", agency_gstin="29ABCDE1234F1Z5",
                               agency_state_code="29", agency_legal_name="Social Scale LLP",
                               invoice_number_prefix="INV", invoice_due_days=15)
    client = testing.TestClient(create_app(container))
    headers = admin_headers(client)
    with container.engine().begin() as conn:
        company = seed_company(conn, gstin="27AAACU1234F1Z1")
    order_id = new_order(container, company=company, cost="12.50")
    invoice = create(client, headers, order_id)
    assert invoice["number"].startswith("INV/") and len(invoice["number"]) <= 16
    assert (invoice["subtotal"], invoice["taxTotal"], invoice["total"]) == (
        "100.00", "18.00", "118.00")
    assert invoice["taxes"] == [{"name": "IGST", "rate": "18", "amount": "18.00"}]
    assert invoice["lines"][0]["sac"] == "998361"
    issued = datetime.fromisoformat(invoice["issuedAt"])
    assert (datetime.fromisoformat(invoice["dueAt"]) - issued).days == 15
