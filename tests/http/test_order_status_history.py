"""Every change of an order's status is on record (issue 14's timeline), on SQLite and
PostgreSQL: a sync, a cancel and the admin's status put each add one row; a save that
keeps the status adds none; the console's order page shows the timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from social_scale_core.panel.provider import OrderStatus
from social_scale_wiring.container import Container

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.http.console_support import Browser
from tests.http.test_orders import API, Sandbox


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def history(sandbox: Sandbox, order_id: str) -> list[tuple[str, str, str | None]]:
    with sandbox.container.uow() as uow:
        changes = uow.orders.status_history(order_id)
    return [(c.old.value, c.new.value, c.provider_status) for c in changes]


def placed(sandbox: Sandbox) -> dict[str, Any]:
    result = sandbox.place(invoiceMultiplier=8)
    assert result.status_code == 201, result.text
    order: dict[str, Any] = result.json["order"]
    return order


def sync(sandbox: Sandbox, api_id: int) -> None:
    assert sandbox.get(f"{API}/orders/{api_id}/status").status_code == 200


def test_syncs_record_each_change_once(sandbox: Sandbox) -> None:
    order = placed(sandbox)
    first = history(sandbox, order["id"])
    assert first == [("submitting", "pending", None)]  # the panel took it
    sync(sandbox, order["apiOrderId"])  # still Pending at the panel: no change
    before = len(first)
    assert len(history(sandbox, order["id"])) == before
    sandbox.state.set_status(order["apiOrderId"], "In progress")
    sync(sandbox, order["apiOrderId"])
    sandbox.state.set_status(order["apiOrderId"], "Completed", remains=0)
    sync(sandbox, order["apiOrderId"])
    sync(sandbox, order["apiOrderId"])  # nothing new
    assert history(sandbox, order["id"])[before:] == [
        ("pending", "in_progress", "In progress"), ("in_progress", "completed", "Completed")]


def test_the_admin_status_put_is_recorded(sandbox: Sandbox) -> None:
    order = placed(sandbox)
    before = len(history(sandbox, order["id"]))
    done = sandbox.put(f"/api/v1/orders/{order['id']}/status",
                       {"status": OrderStatus.COMPLETED.value})
    assert done.status_code == 200, done.text
    assert [h[:2] for h in history(sandbox, order["id"])[before:]] == [("pending", "completed")]


def test_the_console_shows_the_timeline(sandbox: Sandbox) -> None:
    order = placed(sandbox)
    sandbox.state.set_status(order["apiOrderId"], "In progress")
    sync(sandbox, order["apiOrderId"])
    browser = Browser(sandbox.client)
    browser.post("/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                 csrf_from="/login")
    page = browser.get(f"/orders/{order['id']}").text
    assert page.count("data-status-change") >= 1
    assert 'pending → <span class="badge s-in_progress">in progress</span>' in page
    assert "(panel: In progress)" in page


def test_a_cancel_and_its_verdict_are_recorded(sandbox: Sandbox) -> None:
    catalog = sandbox.get(f"{API}/services").json["networks"]
    service = next(s["service"] for n in catalog for s in n["services"]
                   if s["cancel"] and s["type"] == "Default" and s["min"] <= 100 <= s["max"]
                   and s["network"] == "Instagram")
    order = sandbox.place(service=service, quantity=100).json["order"]
    asked = sandbox.post(f"{API}/orders/{order['apiOrderId']}/cancel")
    assert asked.status_code == 200 and asked.json["order"]["status"] == "canceling"
    sandbox.state.set_status(order["apiOrderId"], "Canceled")
    sync(sandbox, order["apiOrderId"])
    assert [h[:2] for h in history(sandbox, order["id"])] == [
        ("submitting", "pending"), ("pending", "canceling"), ("canceling", "canceled")]
