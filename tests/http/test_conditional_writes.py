"""Every kind of write that changes an answer changes the ETag of the lists and details it
shows, on SQLite and PostgreSQL (the sandbox simulator as the panel): placing an order,
a status change from sync, the invoice adjusted by a partial, an invoice status put, a
catalog refresh and a delete. Two app instances on one database see each other's writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_adapters.db.invoices.invoice_tables import invoices
from social_scale_app.app import create_app
from social_scale_core.clock import FrozenClock
from social_scale_wiring.container import Container

from tests.http.test_orders import API, Sandbox

LISTS = ("/api/v1/orders", "/api/v1/invoices", "/api/v1/analytics/stats",
         "/api/v1/companies", f"{API}/services")


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def tags(sandbox: Sandbox, paths: tuple[str, ...]) -> dict[str, str]:
    return {path: sandbox.get(path).headers["etag"] for path in paths}


def assert_changed(sandbox: Sandbox, before: dict[str, str]) -> dict[str, str]:
    """Each path answers its old tag with a 200 and a new tag; the new one gets a 304."""
    after = {}
    for path, tag in before.items():
        answer = sandbox.client.simulate_get(
            path, headers={**sandbox.headers, "If-None-Match": tag})
        assert answer.status_code == 200 and answer.content, path
        assert answer.headers["etag"] != tag, path
        after[path] = answer.headers["etag"]
        again = sandbox.client.simulate_get(
            path, headers={**sandbox.headers, "If-None-Match": after[path]})
        assert again.status_code == 304 and again.content == b"", path
    return after


def test_every_kind_of_write_changes_the_tags(sandbox: Sandbox) -> None:
    tags(sandbox, LISTS)  # the first reads record the panel's row and load the catalog
    before = tags(sandbox, LISTS)
    placed = sandbox.place(invoiceMultiplier=8)
    assert placed.status_code == 201, placed.text
    order, invoice = placed.json["order"], placed.json["invoice"]
    details = (f"/api/v1/orders/{order['id']}", f"/api/v1/invoices/{invoice['id']}")
    current = {**assert_changed(sandbox, before), **tags(sandbox, details)}

    sandbox.state.set_status(order["apiOrderId"], "In progress", remains=600)
    assert sandbox.get(f"{API}/orders/{order['apiOrderId']}/status").status_code == 200
    current = assert_changed(sandbox, {p: current[p] for p in ("/api/v1/orders", details[0])}
                             ) | current

    sandbox.state.set_status(order["apiOrderId"], "Partial", remains=400)
    assert sandbox.get(f"{API}/orders/{order['apiOrderId']}/status").status_code == 200
    current = assert_changed(sandbox, {p: current[p] for p in (
        "/api/v1/invoices", details[1], "/api/v1/analytics/stats")}) | current

    sent = sandbox.put(f"/api/v1/invoices/{invoice['id']}/status", {"status": "sent"})
    assert sent.status_code == 200, sent.text
    current = assert_changed(sandbox, {p: current[p] for p in ("/api/v1/invoices", details[1])}
                             ) | current

    assert sandbox.post(f"{API}/services/refresh").status_code in (200, 202)
    current = assert_changed(sandbox, {f"{API}/services": current[f"{API}/services"]}) | current

    other = sandbox.client.simulate_post("/api/v1/companies", json={"name": "Other"},
                                         headers=sandbox.headers).json["company"]["id"]
    current = assert_changed(sandbox, {"/api/v1/companies": current["/api/v1/companies"]}
                             ) | current
    deleted = sandbox.client.simulate_delete(f"/api/v1/companies/{other}",
                                             headers=sandbox.headers)
    assert deleted.status_code in (200, 204), deleted.text
    assert_changed(sandbox, {"/api/v1/companies": current["/api/v1/companies"]})


def test_a_panel_call_leaves_the_orders_tag_and_changes_the_logs_tag(sandbox: Sandbox) -> None:
    """The integration log is its own scope: a logged panel call (the live balance) moves
    the log's tag only. Every other tracked table moves the tag of every covered GET."""
    tags(sandbox, ("/api/v1/orders",))
    before = tags(sandbox, ("/api/v1/orders", f"{API}/logs"))
    assert sandbox.get(f"{API}/balance").status_code == 200
    after = tags(sandbox, ("/api/v1/orders", f"{API}/logs"))
    assert after["/api/v1/orders"] == before["/api/v1/orders"]
    assert after[f"{API}/logs"] != before[f"{API}/logs"]


def test_a_write_on_one_instance_changes_the_tag_another_instance_gives(
        make_container: Callable[..., Container], db_url: str) -> None:
    one = Sandbox(make_container(db_url))
    other = testing.TestClient(create_app(make_container(db_url)))
    read = lambda tag=None: other.simulate_get(  # noqa: E731
        "/api/v1/companies", headers={**one.headers, **({"If-None-Match": tag} if tag else {})})
    tag = read().headers["etag"]
    assert read(tag).status_code == 304
    one.client.simulate_post("/api/v1/companies", json={"name": "Seen elsewhere"},
                             headers=one.headers)
    fresh = read(tag)
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag
    assert "Seen elsewhere" in fresh.text


def test_an_invoice_falling_due_changes_its_tags_with_no_write(
        make_container: Callable[..., Container], db_url: str) -> None:
    """`overdue` is computed at the due moment, not written: that moment passing must change
    the tag (within the same UTC day), so a revalidating client never keeps a stale `sent`."""
    container = make_container(db_url)
    clock = FrozenClock(datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0))
    container.clock.override(providers.Object(clock))
    sandbox = Sandbox(container)
    invoice = sandbox.place(invoiceMultiplier=8).json["invoice"]
    path = f"/api/v1/invoices/{invoice['id']}"
    assert sandbox.put(f"{path}/status", {"status": "sent"}).status_code == 200
    with container.engine().begin() as conn:
        conn.execute(invoices.update().where(invoices.c.id == invoice["id"]).values(
            due_at=clock.now() + timedelta(minutes=2)))
    before = tags(sandbox, (path, "/api/v1/invoices"))
    undated = tags(sandbox, ("/api/v1/orders", "/api/v1/auth/me"))
    assert sandbox.get(path).json["invoice"]["status"] == "sent"
    clock.advance(minutes=5)
    after = assert_changed(sandbox, before)
    assert after.keys() == before.keys()
    assert sandbox.get(path).json["invoice"]["status"] == "overdue"
    for listing, tag in undated.items():  # they show no invoice status: still current
        kept = sandbox.client.simulate_get(
            listing, headers={**sandbox.headers, "If-None-Match": tag})
        assert kept.status_code == 304, listing


def test_every_undated_route_is_a_tagged_get_route(sandbox: Sandbox) -> None:
    from social_scale_http.conditional import UNDATED

    order = sandbox.place(invoiceMultiplier=8).json["order"]
    ids = {"{order_id}": order["id"], "{company_id}": sandbox.company_id}
    for template in UNDATED:
        path = template
        for name, value in ids.items():
            path = path.replace(name, value)
        answer = sandbox.get(path)
        assert answer.status_code == 200 and answer.headers.get("etag"), template
