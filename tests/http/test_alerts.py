"""Operator alerts over HTTP on both databases: raised by the round, one open per subject,
resolved when the condition clears, reopened after ack; mailed and pushed through apprise
to a local HTTP receiver."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.panel.integration_logs import integration_logs
from social_scale_app.app import create_app
from social_scale_app.sync_wiring import check_alerts, deliver_outbox
from social_scale_core.alerts.conditions import balance_condition
from social_scale_core.alerts.model import AlertThresholds
from social_scale_core.clock import FrozenClock
from social_scale_core.panel.provider import Balance
from social_scale_wiring.container import Container
from sqlalchemy import insert, update

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, assert_problem, login
from tests.http.integration_helpers import admin_headers
from tests.invoice_seed import seed_company, seed_order
from tests.smtp_server import MailCatcher

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


class Receiver:
    """A local HTTP endpoint that keeps the JSON bodies posted to it (apprise's json://)."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.posts.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


@pytest.fixture
def smtp() -> Iterator[MailCatcher]:
    with MailCatcher() as catcher:
        yield catcher


class Ops:
    def __init__(self, make: Callable[..., Container], db_url: str | None,
                 **settings: Any) -> None:
        self.clock = FrozenClock(NOW)
        self.container = make(db_url, **settings)
        self.container.clock.override(providers.Object(self.clock))
        self.client = testing.TestClient(create_app(self.container))
        self.headers = admin_headers(self.client)
        with self.container.engine().begin() as conn:
            self.company = seed_company(conn)

    def order(self, status: str, *, age: timedelta = timedelta(0), api_id: int | None = None
              ) -> str:
        with self.container.engine().begin() as conn:
            order_id = seed_order(conn, self.company, status=status)
            conn.execute(update(orders).where(orders.c.id == order_id).values(
                created_at=self.clock.now() - age, updated_at=self.clock.now(),
                api_order_id=api_id))
        return order_id

    def set_status(self, order_id: str, status: str) -> None:
        with self.container.engine().begin() as conn:
            conn.execute(update(orders).where(orders.c.id == order_id).values(
                status=status, updated_at=self.clock.now()))

    def sync_succeeded(self) -> None:
        with self.container.engine().begin() as conn:
            conn.execute(insert(integration_logs).values(
                id=str(uuid.uuid4()), action="statuses", request={}, response="{}",
                status_code=200, duration_ms=5, success=True, error=None, company_id=None,
                created_at=self.clock.now()))

    def relogin(self) -> None:
        """A fresh access token (the clock moved past the old one's expiry)."""
        token = login(self.client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        self.headers = {"Authorization": f"Bearer {token['accessToken']}"}

    def alerts(self, query: str = "open=true") -> list[dict[str, Any]]:
        result = self.client.simulate_get(f"/api/v1/alerts?{query}", headers=self.headers)
        assert result.status_code == 200, result.text
        items: list[dict[str, Any]] = result.json["items"]
        return items

    def kinds(self) -> dict[tuple[str, str], str]:
        return {(a["kind"], a["subject"]): a["id"] for a in self.alerts()}


def test_alerts_open_once_resolve_with_their_condition_and_reopen_after_ack(
        make_container: Callable[..., Container], db_url: str) -> None:
    ops = Ops(make_container, db_url, alert_balance_below="2000000")
    unknown = ops.order("unknown")
    stalled = ops.order("submitting", age=timedelta(minutes=20))
    ops.order("submitting", age=timedelta(minutes=2))  # not stalled yet
    failed = ops.order("failed")
    ops.order("in_progress", api_id=4242)  # followed by the sync, which never succeeded
    assert check_alerts(ops.container) == 5
    found = ops.kinds()
    assert set(found) == {("order_unknown", unknown), ("order_stalled", stalled),
                          ("order_failed", failed), ("sync_stalled", "sync"),
                          ("low_balance", "panel")}
    assert check_alerts(ops.container) == 0 and ops.kinds() == found  # no duplicates

    ops.sync_succeeded()
    ops.set_status(unknown, "completed")
    check_alerts(ops.container)
    assert set(ops.kinds()) == set(found) - {("order_unknown", unknown), ("sync_stalled", "sync")}
    resolved = {a["id"]: a for a in ops.alerts("open=false")}[found[("order_unknown", unknown)]]
    assert resolved["resolvedAt"] == "2026-11-24T10:00:00Z"

    first = found[("order_failed", failed)]
    acked = ops.client.simulate_post(f"/api/v1/alerts/{first}/ack", headers=ops.headers)
    assert acked.status_code == 200 and acked.json["alert"]["ackedAt"] is not None
    check_alerts(ops.container)
    assert ops.kinds()[("order_failed", failed)] == first  # acked, still open: no new one
    ops.clock.advance(days=2)  # the failure is old news: resolved
    ops.relogin()
    ops.sync_succeeded()
    check_alerts(ops.container)
    assert ("order_failed", failed) not in ops.kinds()
    ops.set_status(failed, "failed")  # fails again: a new alert
    check_alerts(ops.container)
    again = ops.kinds()[("order_failed", failed)]
    assert again != first
    assert_problem(ops.client.simulate_post("/api/v1/alerts/nope/ack", headers=ops.headers),
                   404, "not_found")
    assert ops.client.simulate_get("/api/v1/alerts").status_code == 401


def test_an_overdue_invoice_alerts_until_it_is_paid(
        make_container: Callable[..., Container], db_url: str) -> None:
    ops = Ops(make_container, db_url)
    with ops.container.engine().begin() as conn:
        order = seed_order(conn, ops.company)
    invoice = ops.client.simulate_post(f"/api/v1/invoices/order/{order}", json={},
                                       headers=ops.headers).json["invoice"]
    check_alerts(ops.container)
    assert ops.kinds() == {}
    ops.clock.advance(days=8)
    ops.relogin()
    check_alerts(ops.container)
    (alert,) = ops.alerts()
    assert (alert["kind"], alert["subject"]) == ("invoice_overdue", invoice["number"])
    assert "₹79.98" in alert["message"]
    for status in ("sent", "paid"):
        ops.client.simulate_put(f"/api/v1/invoices/{invoice['id']}/status",
                                json={"status": status}, headers=ops.headers)
    check_alerts(ops.container)
    assert ops.alerts() == []


def test_new_alerts_are_mailed_to_the_admin_and_pushed_through_apprise(
        make_container: Callable[..., Container], smtp: MailCatcher,
        receiver: Receiver, tmp_path: Any) -> None:
    ops = Ops(make_container, None, smtp_host="127.0.0.1",
              smtp_port=smtp.port,
              alert_urls=f"json://127.0.0.1:{receiver.port}/hook")
    unknown = ops.order("unknown")
    failed = ops.order("failed")
    assert check_alerts(ops.container) == 2
    (push,) = receiver.posts
    assert push["title"] == "[Social Scale] 2 new alerts"
    assert "order_unknown" in push["message"] and "order_failed" in push["message"]
    assert deliver_outbox(ops.container) == 1
    (mail,) = smtp.wait_for(1)
    assert mail["To"] == ADMIN_EMAIL and mail["Subject"] == "[Social Scale] 2 new alerts"
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert unknown in body or "order_unknown" in body
    assert check_alerts(ops.container) == 0 and len(receiver.posts) == 1  # pushed once
    ops.set_status(failed, "completed")
    check_alerts(ops.container)
    assert len(receiver.posts) == 1 and deliver_outbox(ops.container) == 0


def test_a_push_that_fails_is_retried_next_round(
        make_container: Callable[..., Container], receiver: Receiver, tmp_path: Any) -> None:
    port = receiver.port
    receiver.server.shutdown()
    receiver.server.server_close()
    ops = Ops(make_container, None,
              alert_urls=f"json://127.0.0.1:{port}/hook")
    ops.order("unknown")
    check_alerts(ops.container)
    assert [a["kind"] for a in ops.alerts()] == ["order_unknown"]
    with ops.container.uow() as uow:
        assert len(uow.alerts.unnotified(10)) == 1  # not pushed: kept for the next round


def test_bad_alert_urls_stop_the_start_with_one_line(
        make_container: Callable[..., Container]) -> None:
    from social_scale_wiring.settings import ConfigError

    container = make_container(alert_urls="nonsense://x")
    with pytest.raises(ConfigError, match=r"ALERT_URLS: 1 URL\(s\).*nonsense"):
        container.alert_notifier()


def test_low_balance_by_days_of_spend_at_the_last_weeks_rate() -> None:
    class Facts:
        def spend_since(self, since: datetime, currency: str) -> Decimal:
            assert since == NOW - timedelta(days=7) and currency == "INR"
            return Decimal("700")  # 100 a day

    limits = AlertThresholds(balance_days=Decimal(3))
    (low,) = balance_condition(Balance(Decimal("299.99"), "INR"), Facts(), NOW,  # type: ignore[arg-type,misc]
                               limits) or []
    assert low.kind == "low_balance" and "below 300.0000 INR" in low.message
    assert balance_condition(Balance(Decimal("300"), "INR"), Facts(), NOW, limits) == []  # type: ignore[arg-type]
    floor = AlertThresholds(balance_below=Decimal("500"), balance_days=Decimal(3))
    assert balance_condition(Balance(Decimal("450"), "INR"), Facts(), NOW, floor)  # type: ignore[arg-type]
    assert balance_condition(None, Facts(), NOW, floor) is None  # type: ignore[arg-type]


def test_a_significant_price_rise_in_the_catalog_change_log_alerts_for_a_day(
        make_container: Callable[..., Container], db_url: str) -> None:
    from social_scale_adapters.db.panel.catalog_tables import catalog_changes

    ops = Ops(make_container, db_url)
    with ops.container.engine().begin() as conn:
        for service, significant, old, new, percent in ((1680, True, "0.0125", "0.0150", "20"),
                                                        (1681, False, "1.00", "1.05", "5")):
            conn.execute(insert(catalog_changes).values(
                service_id=service, name=f"Service {service}", kind="rate", field="rate",
                old=old, new=new, percent=Decimal(percent), significant=significant,
                detected_at=ops.clock.now()))
    check_alerts(ops.container)
    (alert,) = ops.alerts()
    assert (alert["kind"], alert["subject"]) == ("price_change", "1680")
    assert "0.0125 -> 0.0150 (+20" in alert["message"]
    ops.clock.advance(days=1, minutes=1)
    ops.relogin()
    check_alerts(ops.container)
    assert ops.alerts() == []
