"""Issue 11 (money) over HTTP against the sandbox simulator, on SQLite and PostgreSQL: no
anonymous pricing, the multiplier floor, links of the service's network, a cancel that
waits for the panel, statuses that never move back, sane corrections, consistent money
and a sandbox that refuses what the panel refuses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from social_scale_adapters.fampage import rules
from social_scale_adapters.fampage.simulator import parse_fault
from social_scale_core.orders.links import NETWORK_HOSTS
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.test_orders import API, FOLLOWERS, Sandbox


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def services(box: Sandbox, **flags: Any) -> list[dict[str, Any]]:
    """The sandbox's Default services taking 100 units, with these fields."""
    listing = box.get(f"{API}/services").json["networks"]
    return [s for n in listing for s in n["services"] if s["type"] == "Default"
            and s["min"] <= 100 <= s["max"] and all(s[k] == v for k, v in flags.items())]


def order_of(box: Sandbox, order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = box.get(f"/api/v1/orders/{order_id}").json["order"]
    return result


def invoice_of(box: Sandbox, invoice_id: str) -> dict[str, Any]:
    result: dict[str, Any] = box.get(f"/api/v1/invoices/{invoice_id}").json["invoice"]
    return result


# ---- 1. no anonymous pricing -----------------------------------------------------------
@pytest.mark.parametrize("extra", [
    {"defaultInvoiceMultiplier": "0.0001"}, {"default_invoice_multiplier": "0.0001"},
    {"state_code": "27"}, {"invoiceMultiplier": "0.5"}, {"deletedAt": None},
])
def test_a_public_company_takes_no_price(sandbox: Sandbox, extra: dict[str, Any]) -> None:
    """Seen: `{"name":"X","defaultInvoiceMultiplier":"0.0001"}` without a token was 201,
    and the admin's next order for X was invoiced at 0.03 on a cost of 269.92."""
    result = sandbox.client.simulate_post("/api/v1/companies", json={"name": "X", **extra})
    body = assert_problem(result, 422, "validation_error")
    assert body["errors"] == [{"field": next(iter(extra)), "message": "unknown field"}]
    names = [c["name"] for c in sandbox.get("/api/v1/companies").json["items"]]
    assert names == ["Client Corp"]  # nothing half-written


def test_only_the_admin_prices_a_company(sandbox: Sandbox) -> None:
    path = f"/api/v1/companies/{sandbox.company_id}"
    assert_problem(sandbox.client.simulate_put(path, json={"defaultInvoiceMultiplier": "3"}),
                   401, "invalid_token")
    priced = sandbox.put(path, {"defaultInvoiceMultiplier": "3"})
    assert priced.status_code == 200 and priced.json["company"]["defaultInvoiceMultiplier"] == "3"
    placed = sandbox.place()
    assert placed.status_code == 201 and placed.json["invoice"]["total"] == "809.77"


# ---- 2. never below cost by accident --------------------------------------------------
def test_a_multiplier_below_the_floor_is_refused_unless_allowed(sandbox: Sandbox) -> None:
    refused = assert_problem(sandbox.place(invoiceMultiplier="0.5"), 422, "validation_error")
    [error] = refused["errors"]
    assert error["field"] == "invoiceMultiplier" and "INVOICE_MIN_MULTIPLIER" in error["message"]
    assert sandbox.state.calls["add"] == 0
    allowed = sandbox.place(invoiceMultiplier=0.5, allowBelowCost=True)  # a JSON number too
    assert allowed.status_code == 201, allowed.text
    order, invoice = allowed.json["order"], allowed.json["invoice"]
    assert order["allowBelowCost"] is True and invoice["total"] == "134.96"  # 269.923 x 0.5
    normal = sandbox.place().json["order"]
    assert normal["allowBelowCost"] is False
    below = sandbox.get("/api/v1/orders", allowBelowCost="true").json
    assert [o["id"] for o in below["items"]] == [order["id"]] and below["total"] == 1
    above = sandbox.get("/api/v1/orders", allowBelowCost="false").json
    assert [o["id"] for o in above["items"]] == [normal["id"]]


def test_the_company_default_and_the_setting_are_floored_too(
        make_container: Callable[..., Container], db_url: str) -> None:
    box = Sandbox(make_container(db_url, invoice_min_multiplier=Decimal(2)))
    box.put(f"/api/v1/companies/{box.company_id}", {"defaultInvoiceMultiplier": "1.5"})
    body = assert_problem(box.place(), 422, "validation_error")
    assert "company's default" in body["errors"][0]["message"]
    assert box.state.calls["add"] == 0
    manual = box.client.simulate_post("/api/v1/orders", headers=box.headers, json={
        "companyId": box.company_id, "service": FOLLOWERS, "link": "instagram.com/a",
        "quantity": 100, "apiOrderId": 4242})
    assert manual.status_code == 201, manual.text
    late = box.client.simulate_post(f"/api/v1/invoices/order/{manual.json['order']['id']}",
                                    json={"multiplier": "1.99"}, headers=box.headers)
    assert assert_problem(late, 422, "validation_error")["errors"][0]["field"] == "multiplier"
    assert box.get("/api/v1/invoices").json["total"] == 0


def test_a_default_below_the_floor_does_not_start(
        make_container: Callable[..., Container]) -> None:
    from social_scale_app.app import create_app
    from social_scale_wiring.settings import ConfigError

    container = make_container(invoice_default_multiplier=Decimal("0.9"))
    with pytest.raises(ConfigError, match="INVOICE_MIN_MULTIPLIER"):
        create_app(container)


# ---- 3. the link must fit the service ---------------------------------------------------
@pytest.mark.parametrize(("link", "network"), [
    ("youtube.com/watch?v=abc", "YouTube"), ("https://youtu.be/abc", "YouTube"),
    ("m.youtube.com/watch?v=abc", "YouTube"), ("vm.tiktok.com/ZS1", "TikTok"),
    ("https://fb.watch/x1", "Facebook"), ("t.me/channel", "Telegram"),
    ("x.com/someone", "Twitter"), ("open.spotify.com/track/1", "Spotify"),
])
def test_a_link_of_another_network_is_refused_before_the_panel(
        sandbox: Sandbox, link: str, network: str) -> None:
    """Seen: an Instagram Followers order for `youtube.com/watch?v=abc` placed and billed."""
    body = assert_problem(sandbox.place(link=link), 422, "validation_error")
    [error] = body["errors"]
    assert error["field"] == "link"
    assert network in error["message"] and "Instagram" in error["message"]
    assert sandbox.state.calls["add"] == 0 and sandbox.get("/api/v1/orders").json["total"] == 0


@pytest.mark.parametrize("link", ["instagr.am/p/abc", "https://www.instagram.com/acme/",
                                  "m.instagram.com/acme", "bit.ly/acme"])
def test_a_link_of_the_services_network_is_kept_as_sent(sandbox: Sandbox, link: str) -> None:
    placed = sandbox.place(link=link)
    assert placed.status_code == 201, placed.text
    sent = link if link.startswith("https://") else f"https://{link}"
    assert placed.json["order"]["link"] == sent
    assert sandbox.state.orders[placed.json["order"]["apiOrderId"]].link == sent


@pytest.mark.parametrize("link", [
    "http://127.0.0.1/x", "http://127.1/x", "http://0x7f.1/x", "http://[::1]/x",
    "http://10.0.0.5/admin", "http://192.168.1.1/", "http://localhost:8080/x",
    "http://api.localhost/x", "https://printer.local/", "http://169.254.169.254/latest",
])
def test_private_hosts_are_refused_for_every_service(sandbox: Sandbox, link: str) -> None:
    other = next(s for s in services(sandbox) if s["network"] not in NETWORK_HOSTS)
    for service in (FOLLOWERS, other["service"]):
        body = assert_problem(sandbox.place(link=link, service=service), 422,
                              "validation_error")
        assert body["errors"][0]["field"] == "link"
    assert sandbox.state.calls["add"] == 0


def test_a_service_of_no_known_network_takes_any_public_url(sandbox: Sandbox) -> None:
    other = next(s for s in services(sandbox) if s["network"] not in NETWORK_HOSTS)
    for link in ("https://shop.example.com/sale", "youtube.com/watch?v=abc"):
        placed = sandbox.place(service=other["service"], quantity=100, link=link)
        assert placed.status_code == 201, placed.text


# ---- 4. a cancel waits for the panel ---------------------------------------------------
def _cancelable(box: Sandbox) -> tuple[int, dict[str, Any], dict[str, Any]]:
    service = services(box, cancel=True, network="Instagram")[0]["service"]
    placed = box.place(service=service, quantity=100).json
    return placed["order"]["apiOrderId"], placed["order"], placed["invoice"]


def test_a_cancel_is_canceling_until_the_panel_says_how_it_ended(sandbox: Sandbox) -> None:
    """Seen: `status: "canceled"` beside `providerStatus: "Pending"` at once, the invoice a
    full draft, the revenue counted."""
    api_id, order, invoice = _cancelable(sandbox)
    canceled = sandbox.post(f"{API}/orders/{api_id}/cancel")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json["order"]["status"] == "canceling"
    assert canceled.json["order"]["completedAt"] is None
    assert invoice_of(sandbox, invoice["id"])["status"] == "draft"
    again = assert_problem(sandbox.post(f"{API}/orders/{api_id}/cancel"), 409,
                           "illegal_transition")
    assert "already" in again["detail"] and sandbox.state.calls["cancel"] == 1
    # canceling is open: listed by its filter, counted in the stats, followed by the sync
    listed = sandbox.get("/api/v1/orders", status="canceling").json
    assert [o["id"] for o in listed["items"]] == [order["id"]]
    assert sandbox.get("/api/v1/orders/stats").json["byStatus"] == {"canceling": 1}
    still = sandbox.get(f"{API}/orders/{api_id}/status").json["order"]
    assert still["status"] == "canceling"
    sandbox.state.advance(60)  # the panel processes the cancel: nothing was delivered
    done = sandbox.get(f"{API}/orders/status", orderIds=str(api_id)).json["results"]
    assert done[str(api_id)]["order"]["status"] == "canceled"
    assert done[str(api_id)]["order"]["providerStatus"] == "Canceled"
    assert invoice_of(sandbox, invoice["id"])["status"] == "void"


def test_a_cancel_the_panel_ends_partial_bills_what_was_delivered(sandbox: Sandbox) -> None:
    api_id, _order, invoice = _cancelable(sandbox)
    assert sandbox.post(f"{API}/orders/{api_id}/cancel").status_code == 200
    sandbox.state.set_status(api_id, "Partial", remains=40)
    synced = sandbox.get(f"{API}/orders/{api_id}/status").json["order"]
    assert (synced["status"], synced["remains"]) == ("partial", 40)
    billed = invoice_of(sandbox, invoice["id"])
    assert billed["lines"][0]["quantity"] == 60 and Decimal(billed["total"]) < Decimal(
        invoice["total"])


def test_refused_cancels_are_409_with_the_reason(sandbox: Sandbox) -> None:
    api_id, _order, _invoice = _cancelable(sandbox)
    sandbox.state.set_fault(*parse_fault("cancel=error:Order is already in progress*1"))
    refused = assert_problem(sandbox.post(f"{API}/orders/{api_id}/cancel"), 409,
                             "provider_rejected")
    assert refused["detail"] == "Order is already in progress"
    assert order_of(sandbox, refused["orderId"])["status"] == "pending"
    fixed = services(sandbox, cancel=False, network="Instagram")[0]["service"]
    other = sandbox.place(service=fixed, quantity=100).json["order"]["apiOrderId"]
    calls = sandbox.state.calls["cancel"]
    no = assert_problem(sandbox.post(f"{API}/orders/{other}/cancel"), 409,
                        "cancel_not_available")
    assert "cancel" in no["detail"] and sandbox.state.calls["cancel"] == calls


# ---- 5. status never moves backwards -------------------------------------------------
def test_a_stale_panel_answer_does_not_move_the_order_back(sandbox: Sandbox) -> None:
    api_id = sandbox.place().json["order"]["apiOrderId"]
    sandbox.state.set_status(api_id, "In progress", remains=600)
    assert sandbox.get(f"{API}/orders/{api_id}/status").json["order"]["status"] == "in_progress"
    sandbox.state.set_status(api_id, "Pending", remains=1000)
    back = sandbox.get(f"{API}/orders/{api_id}/status").json["order"]
    assert (back["status"], back["providerStatus"], back["remains"]) == (
        "in_progress", "Pending", 1000)
    sandbox.state.set_status(api_id, "Completed", remains=0)
    assert sandbox.get(f"{API}/orders/{api_id}/status").json["order"]["status"] == "completed"


# ---- 6. corrections that make sense --------------------------------------------------
def _manual(box: Sandbox, quantity: int = 100) -> str:
    made = box.client.simulate_post("/api/v1/orders", headers=box.headers, json={
        "companyId": box.company_id, "service": FOLLOWERS, "link": "instagram.com/a",
        "quantity": quantity, "apiOrderId": 9001})
    assert made.status_code == 201, made.text
    order_id: str = made.json["order"]["id"]
    return order_id


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"remains": 101}, "remains", "between -100 and 100"),
    ({"remains": -101}, "remains", "between -100 and 100"),
    ({"charge": "-0.01"}, "charge", "at least 0"),
    ({"charge": -1}, "charge", "at least 0"),
    ({"charge": "1.123456789"}, "charge", "must be a decimal amount with at most 8 places"),
    ({"charge": 1.123456789}, "charge", "must be a decimal amount with at most 8 places"),
    ({"charge": "9.99e3"}, "charge", "must be a decimal amount with at most 8 places"),
    ({"charge": True}, "charge", "must be a decimal amount with at most 8 places"),
    ({"charge": "123456789012.5"}, "charge", "at most 9999999999.99999999"),  # was a 500
])
def test_bad_corrections_are_422_in_words(sandbox: Sandbox, body: dict[str, Any], field: str,
                                          words: str) -> None:
    order_id = _manual(sandbox)
    before = order_of(sandbox, order_id)
    problem = assert_problem(sandbox.put(f"/api/v1/orders/{order_id}/stats", body), 422,
                             "validation_error")
    assert problem["errors"] == [{"field": field, "message": problem["errors"][0]["message"]}]
    assert words in problem["errors"][0]["message"] and "^" not in problem["errors"][0]["message"]
    assert order_of(sandbox, order_id) == before


def test_money_in_a_json_number_is_read_exactly(sandbox: Sandbox) -> None:
    order_id = _manual(sandbox)
    raw = b'{"charge": 1234567890.12345678, "remains": -100}'
    fixed = sandbox.client.simulate_put(f"/api/v1/orders/{order_id}/stats", body=raw,
                                        headers={**sandbox.headers,
                                                 "Content-Type": "application/json"})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json["order"]["charge"] == "1234567890.12345678"  # a float: ...0.1234567
    assert fixed.json["order"]["remains"] == -100
    nan = sandbox.client.simulate_put(f"/api/v1/orders/{order_id}/stats",
                                      body=b'{"charge": NaN}', headers={
                                          **sandbox.headers, "Content-Type": "application/json"})
    assert_problem(nan, 400, "malformed_json")


def test_the_invoice_follows_a_corrected_remains(sandbox: Sandbox) -> None:
    placed = sandbox.place().json
    api_id, invoice_id = placed["order"]["apiOrderId"], placed["invoice"]["id"]
    sandbox.state.set_status(api_id, "Partial", remains=200)
    sandbox.get(f"{API}/orders/{api_id}/status")
    assert invoice_of(sandbox, invoice_id)["lines"][0]["quantity"] == 800
    fixed = sandbox.put(f"/api/v1/orders/{placed['order']['id']}/stats", {"remains": 500})
    assert fixed.status_code == 200, fixed.text
    invoice = invoice_of(sandbox, invoice_id)
    assert invoice["lines"][0]["quantity"] == 500
    assert invoice["total"] == "1079.69"  # 269.923 x 500/1000 x 8


# ---- 7. consistency ----------------------------------------------------------------
def test_an_unknown_companys_invoices_are_404(sandbox: Sandbox) -> None:
    assert_problem(sandbox.get("/api/v1/invoices/company/nobody"), 404, "not_found")
    mine = sandbox.get(f"/api/v1/invoices/company/{sandbox.company_id}")
    assert mine.status_code == 200 and mine.json["total"] == 0


def test_the_log_shows_the_panels_json_as_json(sandbox: Sandbox) -> None:
    api_id = sandbox.place().json["order"]["apiOrderId"]
    sandbox.get(f"{API}/balance")
    logs = {i["action"]: i for i in sandbox.get(f"{API}/logs").json["items"]}
    assert logs["add"]["response"] == {"order": api_id}
    assert logs["balance"]["response"]["currency"] == "INR"
    assert isinstance(logs["balance"]["response"]["balance"], str)  # exact, never a float
    sandbox.state.set_fault(*parse_fault("balance=502*1"))
    sandbox.get(f"{API}/balance")
    failed = sandbox.get(f"{API}/logs", action="balance", success="false").json["items"][0]
    assert isinstance(failed["response"], str) and "<" in failed["response"]  # an HTML page


def test_invoiced_money_has_2_decimals_and_panel_money_its_precision(sandbox: Sandbox) -> None:
    placed = sandbox.place(invoiceMultiplier="7.3333").json
    order, invoice = placed["order"], placed["invoice"]
    assert order["cost"] == "269.9230" and invoice["baseCost"] == "269.9230"
    for name in ("subtotal", "taxTotal", "total"):
        assert len(invoice[name].split(".")[1]) == 2, (name, invoice[name])
    assert invoice["total"] == "1979.43"
    stats = sandbox.get("/api/v1/analytics/stats").json["totals"]["money"][0]
    assert (stats["revenue"], stats["profit"]) == ("1979.43", "1709.51")
    assert stats["realCost"] == "269.9230"


# ---- 8. a sandbox that refuses what the panel refuses -------------------------------
def test_refills_only_for_finished_orders_and_one_at_a_time(sandbox: Sandbox) -> None:
    api_id = sandbox.place().json["order"]["apiOrderId"]  # 2124 offers refills
    early = assert_problem(sandbox.post(f"{API}/orders/{api_id}/refill"), 409,
                           "provider_rejected")
    assert early["detail"] == rules.REFILL_NOT_DONE and early["reason"] == "refused"
    sandbox.state.set_status(api_id, "Partial", remains=10)
    first = sandbox.post(f"{API}/orders/{api_id}/refill")
    assert first.status_code == 200 and first.json["refill"]["status"] == "Pending"
    second = assert_problem(sandbox.post(f"{API}/orders/{api_id}/refill"), 409,
                            "provider_rejected")
    assert second["detail"] == rules.REFILL_PENDING
    sandbox.state.advance(600)  # the first refill ends: another may be asked for
    assert sandbox.post(f"{API}/orders/{api_id}/refill").status_code == 200
    none = services(sandbox, refill=False, network="Instagram")[0]["service"]
    other = sandbox.place(service=none, quantity=100).json["order"]["apiOrderId"]
    assert_problem(sandbox.post(f"{API}/orders/{other}/refill"), 409, "refill_not_available")


def test_the_simulator_honours_cancel_false(sandbox: Sandbox) -> None:
    """Asked directly (the core does not ask for such services): the panel says no."""
    fixed = services(sandbox, cancel=False, network="Instagram")[0]["service"]
    api_id = sandbox.place(service=fixed, quantity=100).json["order"]["apiOrderId"]
    sim = sandbox.state
    assert sim.request_cancel(sim.orders[api_id]) is False
    sim.advance(3600)
    assert sim.orders[api_id].raw_status in ("Completed", "Partial")
