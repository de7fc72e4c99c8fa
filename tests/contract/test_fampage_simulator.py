"""The simulator itself: raw answers per variant, the clock, determinism, threads, control API."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
import pytest
from social_scale_adapters.fampage.catalog import catalog_services, raw_catalog
from social_scale_adapters.fampage.simulator import Simulator, create_simulator
from social_scale_core.clock import FrozenClock
from social_scale_core.money import order_cost
from social_scale_core.panel.provider import AddRequest, OrderStatus, PanelOrder

from tests.contract.provider_harness import START

KEY = "sim-test-key"
ORDER = {"service": "1680", "link": "https://instagram.com/p/x", "quantity": "100"}


def make(**options: Any) -> Simulator:
    return create_simulator(api_key=KEY, clock=FrozenClock(START), **options)


def post(sim: Simulator, **params: str) -> httpx.Response:
    with httpx.Client(transport=sim.transport(), base_url="http://sim") as http:
        return http.post("/api/v2", data={"key": KEY, **params})


def control(sim: Simulator, method: str, path: str, key: str = KEY, **kw: Any) -> httpx.Response:
    with httpx.Client(transport=sim.transport(), base_url="http://sim") as http:
        return http.request(method, f"/_control/{path}", headers={"X-Api-Key": key}, **kw)


def test_fampage_answers_with_numbers_and_plain_string_errors() -> None:
    sim = make()
    order = post(sim, action="add", **ORDER).json()
    assert isinstance(order["order"], int)
    many = post(sim, action="status", orders=f"{order['order']},12").json()
    assert many["12"] == "Incorrect order ID"
    assert many[str(order["order"])] == {"charge": "1.8664", "start_count": many[
        str(order["order"])]["start_count"], "status": "Pending", "remains": "100",
        "currency": "INR"}
    assert isinstance(many[str(order["order"])]["start_count"], int)
    assert post(sim, action="cancel", order=str(order["order"])).json() in (
        {"ok": "true"}, {"ok": "false"})


def test_standard_answers_with_strings_error_objects_and_cancel_lists() -> None:
    sim = make(variant="standard")
    order_id = post(sim, action="add", **ORDER).json()["order"]
    assert isinstance(order_id, str)
    many = post(sim, action="status", orders=f"{order_id},12").json()
    assert many["12"] == {"error": "Incorrect order ID"}
    assert isinstance(many[order_id]["start_count"], str)
    cancel = post(sim, action="cancel", orders=f"{order_id},12").json()
    assert cancel[1] == {"order": 12, "cancel": {"error": "Incorrect order ID"}}
    assert post(sim, action="services").json()[0]["min"] == "100"


@pytest.mark.parametrize(("params", "error"), [
    ({"key": "nope", "action": "balance"}, "Invalid API key"),
    ({"action": "dance"}, "Incorrect request"),
    ({"action": "add", "service": "abc", "link": "https://x.y", "quantity": "100"},
     "Incorrect service ID"),
    ({"action": "status", "order": "abc"}, "Incorrect order ID"),
    ({"action": "status", "orders": ",".join(map(str, range(101)))},
     "Maximum 100 orders per request"),
    ({"action": "refill_status", "refill": "99"}, "Incorrect refill ID"),
])
def test_errors_come_with_http_200(params: dict[str, str], error: str) -> None:
    response = post(make(), **params)
    assert (response.status_code, response.json()) == (200, {"error": error})


def test_get_with_a_query_string_works_like_the_docs_show() -> None:
    sim = make()
    with httpx.Client(transport=sim.transport(), base_url="http://sim") as http:
        body = http.get("/api/v2", params={"key": KEY, "action": "balance"}).json()
    assert body == {"balance": "1000000.0000", "currency": "INR"}


def test_same_seed_same_story_and_partial_refunds_are_exact() -> None:
    def story(seed: int) -> list[tuple[int, str, Decimal | None, int | None]]:
        sim = make(seed=seed)
        client = sim.client()
        ids = [client.add(AddRequest(service=1680, link="https://x.y/p", quantity=1000))
               for _ in range(40)]
        sim.state.advance(3600)
        orders = [o for o in client.statuses(ids).values() if isinstance(o, PanelOrder)]
        assert len(orders) == 40
        spent = sum((o.charge or Decimal(0) for o in orders), Decimal(0))
        assert client.balance().amount == Decimal("1000000") - spent
        return [(o.order_id, o.raw_status, o.charge, o.remains) for o in orders]

    first = story(3)
    assert first == story(3) and first != story(4)
    assert Counter(s for _, s, _, _ in first).keys() == {"Completed", "Partial"}
    for _, status, charge, remains in first:
        if status == "Partial" and remains is not None:
            assert charge == order_cost(Decimal("18.6640"), 1000 - remains)


def test_concurrent_adds_spend_exactly_and_get_distinct_ids() -> None:
    sim = make()
    client = sim.client()
    ids: list[int] = []

    def place() -> None:
        for _ in range(10):
            ids.append(client.add(AddRequest(service=1680, link="https://x.y/p", quantity=100)))

    threads = [threading.Thread(target=place) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 80
    assert sim.state.balance == Decimal("1000000") - 80 * Decimal("1.8664")


def test_held_adds_wait_and_are_placed_once_released() -> None:
    sim = make()
    sim.state.hold_adds()
    client = sim.client()
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(client.add(
        AddRequest(service=1680, link="https://x.y/p", quantity=100))))
    worker.start()
    worker.join(0.3)
    assert worker.is_alive() and not sim.state.orders
    assert control(sim, "POST", "hold", json={"hold": False}).json() == {"hold": False}
    worker.join(5)
    assert result and list(sim.state.orders) == result


def test_control_api_needs_the_key_and_drives_the_panel() -> None:
    sim = make()
    assert control(sim, "GET", "orders", key="wrong").status_code == 401
    order_id = sim.client().add(AddRequest(service=1680, link="https://x.y/p", quantity=100))
    assert control(sim, "POST", "faults", json={"fault": "balance=502*1"}).json() == {
        "faults": {"balance": "502*1"}}
    assert post(sim, action="balance").status_code == 502
    assert post(sim, action="balance").status_code == 200
    assert control(sim, "POST", "faults", json={"fault": "add=bogus"}).status_code == 400
    assert control(sim, "POST", "advance", json={"seconds": 61}).status_code == 200
    (listed,) = control(sim, "GET", "orders").json()["orders"]
    assert (listed["order"], listed["status"]) == (order_id, "In progress")
    changed = control(sim, "POST", f"orders/{order_id}", json={"status": "Fail"}).json()
    assert (changed["status"], changed["charge"], changed["remains"]) == ("Fail", "0.0000", 100)
    assert control(sim, "POST", "balance", json={"balance": "5.5"}).json()["balance"] == "5.5"
    assert control(sim, "GET", "calls").json()["calls"]["balance"] == 2
    assert control(sim, "DELETE", "faults").status_code == 204


def test_control_is_off_unless_asked_for() -> None:
    sim = make(control=False)
    assert control(sim, "GET", "orders").status_code == 404


def test_a_forced_status_sticks_until_changed() -> None:
    sim = make()
    client = sim.client()
    order_id = client.add(AddRequest(service=1680, link="https://x.y/p", quantity=100))
    sim.state.set_status(order_id, "Awaiting")
    sim.state.advance(3600)
    assert client.status(order_id).status is OrderStatus.AWAITING


def test_catalog_flags_are_seeded_and_follow_the_names() -> None:
    assert raw_catalog(0) == raw_catalog(0) and raw_catalog(0) != raw_catalog(1)
    for svc in catalog_services(5):
        lowered = svc.name.lower()
        if "no refill" in lowered or "non refill" in lowered:
            assert svc.refill is False
        elif "refill" in lowered:
            assert svc.refill is True
    flags = Counter((s.refill, s.cancel) for s in catalog_services(0))
    assert set(flags) == {(True, True), (True, False), (False, True), (False, False)}


def test_refills_progress_and_a_late_cancel_ends_partial() -> None:
    sim = make()
    client = sim.client()
    svc = next(s for s in client.services() if s.refill and s.cancel and s.type == "Default"
               and s.min <= 1000 <= s.max)
    order_id = client.add(AddRequest(service=svc.service_id, link="https://x.y/p",
                                     quantity=1000))
    sim.state.set_status(order_id, "Completed", remains=0)  # refills follow a finished order
    refill_id = client.refill(order_id)
    seen = [client.refill_status(refill_id)]
    for seconds in (120, 300):
        sim.state.advance(seconds)
        seen.append(client.refill_status(refill_id))
    assert seen == ["Pending", "In progress", "Completed"]
    late = client.add(AddRequest(service=svc.service_id, link="https://x.y/p", quantity=1000))
    sim.state.advance(120)  # delivery under way
    assert client.cancel(late).accepted
    sim.state.advance(31)
    order = client.status(late)
    assert order.status is OrderStatus.PARTIAL and order.remains is not None
    assert 0 < order.remains < 1000
    assert order.charge == order_cost(svc.rate, 1000 - order.remains)
