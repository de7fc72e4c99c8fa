"""The stored catalog over HTTP, on SQLite and PostgreSQL: refresh, change log, removed
services refusing orders while their past orders keep working, prices locked on orders."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.test_orders import API, FOLLOWERS, Sandbox

CHANGES = f"{API}/services/changes"


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def _raise_price(sandbox: Sandbox, service: int, rate: str) -> None:
    with sandbox.state.lock:
        sandbox.state.services[service] = {**sandbox.state.services[service], "rate": rate}


def test_a_price_change_is_logged_once_after_a_refresh(sandbox: Sandbox) -> None:
    assert sandbox.get(f"{API}/services").status_code == 200  # the first load
    _raise_price(sandbox, FOLLOWERS, "300.0000")  # was 269.9230: +11.14%
    first = sandbox.post(f"{API}/services/refresh")
    assert first.status_code == 200, first.text
    [change] = first.json["changes"]
    assert {k: change[k] for k in ("service", "kind", "field", "old", "new", "percent",
                                   "significant")} == {
        "service": FOLLOWERS, "kind": "rate", "field": "rate", "old": "269.9230",
        "new": "300.0000", "percent": "11.14", "significant": True}
    assert first.json["fetchedAt"] == change["detectedAt"]
    again = sandbox.post(f"{API}/services/refresh")
    assert again.status_code == 200 and again.json["changes"] == []
    page = sandbox.get(CHANGES).json
    assert page["total"] == 1 and page["items"] == [change]
    assert (page["limit"], page["offset"]) == (50, 0)
    listed = sandbox.get(f"{API}/services", network="Instagram").json
    assert next(s["rate"] for n in listed["networks"] for s in n["services"]
                if s["service"] == FOLLOWERS) == "300.0000"


def test_the_change_log_filters_and_pages(sandbox: Sandbox) -> None:
    sandbox.get(f"{API}/services")
    _raise_price(sandbox, FOLLOWERS, "250.0000")  # a fall
    with sandbox.state.lock:
        gone = next(i for i in sandbox.state.services if i != FOLLOWERS)
        del sandbox.state.services[gone]
    refreshed = sandbox.post(f"{API}/services/refresh").json
    assert {c["kind"] for c in refreshed["changes"]} == {"rate", "removed"}
    assert sandbox.get(CHANGES, kind="removed").json["items"][0]["service"] == gone
    only = sandbox.get(CHANGES, service=FOLLOWERS).json
    assert only["total"] == 1 and only["items"][0]["significant"] is False
    assert only["items"][0]["percent"] == "-7.38"
    assert sandbox.get(CHANGES, since="2999-01-01T00:00:00Z").json["total"] == 0
    assert sandbox.get(CHANGES, since=refreshed["fetchedAt"]).json["total"] == 2
    second = sandbox.get(CHANGES, limit=1, offset=1).json
    assert second["total"] == 2 and len(second["items"]) == 1


@pytest.mark.parametrize(("query", "field"), [
    ({"kind": "price"}, "kind"), ({"since": "yesterday"}, "since"),
    ({"service": "abc"}, "service"), ({"limit": "0"}, "limit"),
])
def test_bad_change_filters_are_422_naming_the_field(sandbox: Sandbox, query: dict[str, str],
                                                      field: str) -> None:
    body = assert_problem(sandbox.get(CHANGES, **query), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [field]


def test_a_removed_service_refuses_new_orders_and_keeps_its_past_ones(sandbox: Sandbox) -> None:
    placed = sandbox.place()
    assert placed.status_code == 201, placed.text
    order = placed.json["order"]
    with sandbox.state.lock:
        del sandbox.state.services[FOLLOWERS]
    assert sandbox.post(f"{API}/services/refresh").status_code == 200
    adds = sandbox.state.calls["add"]
    body = assert_problem(sandbox.place(), 422, "validation_error")
    [error] = body["errors"]
    assert error["field"] == "service"
    assert "no longer offered by the panel since " in error["message"]
    assert sandbox.state.calls["add"] == adds  # nothing was sent
    status = sandbox.get(f"{API}/orders/{order['apiOrderId']}/status")
    assert status.status_code == 200, status.text
    assert status.json["order"]["id"] == order["id"]
    assert sandbox.get(f"/api/v1/invoices/{placed.json['invoice']['id']}").status_code == 200


def test_the_price_locked_on_an_order_never_changes(sandbox: Sandbox) -> None:
    placed = sandbox.place(invoiceMultiplier=8).json
    _raise_price(sandbox, FOLLOWERS, "500.0000")
    sandbox.post(f"{API}/services/refresh")
    order = sandbox.get(f"/api/v1/orders/{placed['order']['id']}").json["order"]
    invoice = sandbox.get(f"/api/v1/invoices/{placed['invoice']['id']}").json["invoice"]
    assert order["cost"] == "269.9230" and invoice["total"] == "2159.38"
    assert sandbox.place(invoiceMultiplier=8).json["order"]["cost"] == "500.0000"


def test_refresh_and_changes_need_the_admin(sandbox: Sandbox) -> None:
    assert_problem(sandbox.client.simulate_post(f"{API}/services/refresh"), 401,
                   "invalid_token")
    assert_problem(sandbox.client.simulate_get(CHANGES), 401, "invalid_token")
