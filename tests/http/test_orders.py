"""Orders over HTTP against the sandbox simulator, on SQLite and PostgreSQL: the spec's
typical flow, checks before the panel, lost answers, refusals, idempotency, statuses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from falcon import testing
from social_scale_adapters.fampage.simulator import parse_fault
from social_scale_app.app import create_app
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import admin_headers

API = "/api/v1/api-integrations"
FOLLOWERS = 2124  # Instagram Followers: Default, 10..100000, 269.9230 INR per 1000


class Sandbox:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.client = testing.TestClient(create_app(container))
        self.headers = admin_headers(self.client)
        self.state = container.simulator().state
        created = self.client.simulate_post("/api/v1/companies", json={"name": "Client Corp"})
        self.company_id: str = created.json["company"]["id"]

    def place(self, key: str | None = None, **changes: Any) -> testing.Result:
        body = {"companyId": self.company_id, "service": FOLLOWERS,
                "link": "instagram.com/account", "quantity": 1000, **changes}
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {})}
        return self.client.simulate_post(f"{API}/orders", json=body, headers=headers)

    def get(self, path: str, **params: Any) -> testing.Result:
        return self.client.simulate_get(path, params=params or None, headers=self.headers)

    def post(self, path: str) -> testing.Result:
        return self.client.simulate_post(path, headers=self.headers)

    def put(self, path: str, body: dict[str, Any]) -> testing.Result:
        return self.client.simulate_put(path, json=body, headers=self.headers)


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def test_the_typical_order_flow(sandbox: Sandbox) -> None:
    services = sandbox.get(f"{API}/services", network="Instagram").json
    assert any(s["service"] == FOLLOWERS for n in services["networks"] for s in n["services"])
    result = sandbox.place(invoiceMultiplier=8)
    assert result.status_code == 201, result.text
    order, invoice = result.json["order"], result.json["invoice"]
    assert (order["status"], order["cost"], order["currency"]) == ("pending", "269.9230", "INR")
    assert order["invoiceId"] == invoice["id"] and invoice["total"] == "2159.38"
    api_id = order["apiOrderId"]
    sandbox.state.set_status(api_id, "Completed", remains=0)
    synced = sandbox.get(f"{API}/orders/{api_id}/status").json["order"]
    assert synced["status"] == "completed" and synced["remains"] == 0
    assert synced["charge"] == "269.9230" and synced["completedAt"] is not None
    pdf = sandbox.get(f"/api/v1/invoices/{invoice['id']}/download")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert sandbox.get(f"/api/v1/orders/{order['id']}").json["order"] == synced
    history = sandbox.get(f"/api/v1/orders/company/{sandbox.company_id}").json
    assert [o["id"] for o in history["items"]] == [order["id"]]
    stats = sandbox.get("/api/v1/orders/stats").json
    assert stats["byStatus"] == {"completed": 1}
    assert stats["totals"] == [{"currency": "INR", "orders": 1, "cost": "269.9230",
                                "charge": "269.9230"}]


@pytest.mark.parametrize(("changes", "field"), [
    ({"quantity": 5}, "quantity"),
    ({"service": 1}, "service"),
    ({"companyId": "00000000-0000-0000-0000-000000000000"}, "companyId"),
    ({"link": "javascript:alert(1)"}, "link"),
    ({"runs": 1, "interval": 10}, "runs"),
    ({"comments": "a\nb"}, "comments"),
    ({"quantity": "many"}, "quantity"),
])
def test_bad_orders_are_422_and_nothing_reaches_the_panel(sandbox: Sandbox,
                                                          changes: dict[str, Any],
                                                          field: str) -> None:
    body = assert_problem(sandbox.place(key="k", **changes), 422, "validation_error")
    assert field in {e["field"] for e in body["errors"]}
    assert sandbox.state.calls["add"] == 0
    assert sandbox.get("/api/v1/orders").json["total"] == 0


def test_a_deleted_company_cannot_order(sandbox: Sandbox) -> None:
    sandbox.client.simulate_delete(f"/api/v1/companies/{sandbox.company_id}",
                                   headers=sandbox.headers)
    body = assert_problem(sandbox.place(), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["companyId"]
    assert sandbox.state.calls["add"] == 0


@pytest.mark.parametrize("fault", ["add=timeout", "add=drop", "add=malformed"])
def test_a_lost_answer_is_504_with_one_unknown_order_and_one_add(sandbox: Sandbox,
                                                                 fault: str) -> None:
    sandbox.state.set_fault(*parse_fault(fault))
    body = assert_problem(sandbox.place(key="k1"), 504, "provider_timeout")
    again = assert_problem(sandbox.place(key="k1"), 504, "provider_timeout")
    assert body["orderId"] == again["orderId"]
    order = sandbox.get(f"/api/v1/orders/{body['orderId']}").json["order"]
    assert order["status"] == "unknown" and order["invoiceId"] is None
    assert sandbox.state.calls["add"] == 1 and len(sandbox.state.orders) == 1
    [api_id] = sandbox.state.orders  # the admin finds it on the panel and resolves it
    resolved = sandbox.put(f"/api/v1/orders/{order['id']}/status",
                           {"status": "pending", "apiOrderId": api_id})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json["order"]["apiOrderId"] == api_id
    assert resolved.json["order"]["invoiceId"] is not None


def test_a_refusal_is_a_4xx_with_a_failed_order_and_no_invoice(sandbox: Sandbox) -> None:
    sandbox.state.balance = Decimal("1.0000")
    body = assert_problem(sandbox.place(key="k2"), 402, "provider_rejected")
    assert body["detail"] == "insufficient_funds" and body["reason"] == "insufficient_funds"
    order = sandbox.get(f"/api/v1/orders/{body['orderId']}").json["order"]
    assert order["status"] == "failed" and order["errorMessage"] == "insufficient_funds"
    assert sandbox.get("/api/v1/invoices").json["total"] == 0
    assert sandbox.get(f"{API}/balance").json["balance"] == "1.0000"
    assert_problem(sandbox.place(key="k2"), 402, "provider_rejected")
    assert sandbox.state.calls["add"] == 1


def test_an_unreachable_panel_is_503_and_the_order_failed(sandbox: Sandbox) -> None:
    sandbox.state.set_fault(*parse_fault("add=503"))
    body = assert_problem(sandbox.place(), 503, "provider_unavailable")
    order = sandbox.get(f"/api/v1/orders/{body['orderId']}").json["order"]
    assert order["status"] == "failed"


def test_idempotency_key_repeats_and_conflicts(sandbox: Sandbox) -> None:
    first, again = sandbox.place(key="abc"), sandbox.place(key="abc")
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert_problem(sandbox.place(key="abc", quantity=1001), 409, "idempotency_conflict")
    body = assert_problem(sandbox.place(key="bad key"), 422, "validation_error")
    assert body["errors"][0]["field"] == "Idempotency-Key"
    assert sandbox.state.calls["add"] == 1


def test_many_statuses_and_the_routes_beside_them(sandbox: Sandbox) -> None:
    a = sandbox.place().json["order"]["apiOrderId"]
    b = sandbox.place().json["order"]["apiOrderId"]
    sandbox.state.set_status(b, "Partial", remains=100)
    results = sandbox.get(f"{API}/orders/status", orderIds=f"{a}, {b},42").json["results"]
    assert results[str(a)]["order"]["status"] == "pending"
    assert results[str(b)]["order"]["status"] == "partial"
    assert results["42"] == {"error": "Order not found"}
    for bad in ["1,x", "", "-3", ",".join(["1"] * 1001)]:
        assert_problem(sandbox.get(f"{API}/orders/status", orderIds=bad), 422,
                       "validation_error")
    assert_problem(sandbox.get(f"{API}/orders/42/status"), 404, "not_found")
    assert_problem(sandbox.get(f"{API}/orders/abc/status"), 404, "not_found")


def test_refill_and_cancel(sandbox: Sandbox) -> None:
    api_id = sandbox.place().json["order"]["apiOrderId"]
    sandbox.state.set_status(api_id, "Completed", remains=0)  # the panel refills done orders
    refilled = sandbox.post(f"{API}/orders/{api_id}/refill")
    assert refilled.status_code == 200, refilled.text
    assert refilled.json["refill"] == {"id": "1", "status": "Pending"}
    assert refilled.json["order"]["refillId"] == "1"
    catalog = sandbox.get(f"{API}/services").json["networks"]
    cancellable = next(s["service"] for n in catalog for s in n["services"]
                       if s["cancel"] and s["type"] == "Default" and s["min"] <= 100 <= s["max"]
                       and s["network"] == "Instagram")
    other = sandbox.place(service=cancellable, quantity=100).json["order"]["apiOrderId"]
    canceled = sandbox.post(f"{API}/orders/{other}/cancel")
    assert canceled.status_code == 200 and canceled.json["order"]["status"] == "canceling"
    assert_problem(sandbox.post(f"{API}/orders/{other}/cancel"), 409, "illegal_transition")


def test_admin_order_endpoints(sandbox: Sandbox) -> None:
    body = {"companyId": sandbox.company_id, "service": FOLLOWERS, "link": "instagram.com/a",
            "quantity": 100, "apiOrderId": 777}
    made = sandbox.client.simulate_post("/api/v1/orders", json=body, headers=sandbox.headers)
    assert made.status_code == 201 and made.json["order"]["apiOrderId"] == 777
    dup = sandbox.client.simulate_post("/api/v1/orders", json=body, headers=sandbox.headers)
    assert_problem(dup, 409, "duplicate_order")
    order_id = made.json["order"]["id"]
    assert_problem(sandbox.put(f"/api/v1/orders/{order_id}/status", {"status": "unknown"}),
                   409, "illegal_transition")
    done = sandbox.put(f"/api/v1/orders/{order_id}/status", {"status": "completed"}).json
    assert done["order"]["status"] == "completed" and done["order"]["completedAt"]
    fixed = sandbox.put(f"/api/v1/orders/{order_id}/stats", {"charge": "1.25", "remains": -3})
    assert fixed.json["order"]["charge"] == "1.2500" and fixed.json["order"]["remains"] == -3
    bad = sandbox.put(f"/api/v1/orders/{order_id}/stats", {"charge": "1.2.5", "startCount": -1})
    fields = {e["field"] for e in assert_problem(bad, 422, "validation_error")["errors"]}
    assert fields == {"charge", "startCount"}
    listed = sandbox.get("/api/v1/orders", status="completed", link="INSTAGRAM.COM/A",
                         sort="-cost").json
    assert [o["id"] for o in listed["items"]] == [order_id]
    assert_problem(sandbox.get("/api/v1/orders", sort="nonsense"), 422, "validation_error")
    assert_problem(sandbox.client.simulate_get("/api/v1/orders"), 401, "invalid_token")
