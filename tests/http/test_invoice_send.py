"""Sending invoices over HTTP: the outbox, a real SMTP server (aiosmtpd), the PDF read back
with pypdf; crashes, retries and failures of delivery."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
from dependency_injector import providers
from falcon import testing
from pypdf import PdfReader
from social_scale_adapters.auth.mail import DisabledMailer
from social_scale_adapters.db.companies import companies
from social_scale_app.app import create_app
from social_scale_app.sync_wiring import deliver_outbox
from social_scale_core.clock import FrozenClock
from social_scale_wiring.container import Container
from sqlalchemy import update

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import admin_headers
from tests.invoice_seed import seed_company, seed_order
from tests.smtp_server import MailCatcher

BASE = "/api/v1/invoices"
NOW = datetime(2026, 11, 24, 10, 51, 41, tzinfo=UTC)
PAYABLE = {"agency_legal_name": "Social Scale Marketing LLP",
           "agency_address": "12 MG Road, Bengaluru", "agency_upi_id": "socialscale@okhdfc",
           "agency_bank_name": "HDFC Bank", "agency_bank_account": "50200012345678",
           "agency_bank_ifsc": "HDFC0001234", "smtp_from": "Billing <billing@socialscale.in>"}


@pytest.fixture
def smtp() -> Iterator[MailCatcher]:
    with MailCatcher() as catcher:
        yield catcher


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class World:
    """The app on one database, with a frozen clock; `restart()` is a new process on it."""

    def __init__(self, make: Callable[..., Container], db_url: str | None, **settings: Any):
        self._make, self._settings = make, {**PAYABLE, **settings}
        self.clock = FrozenClock(NOW)
        self.container = self._start(db_url)
        self.db_url = str(self.container.settings().database_url)
        self.client = testing.TestClient(create_app(self.container))
        self.headers = admin_headers(self.client)

    def _start(self, db_url: str | None) -> Container:
        container = self._make(db_url, **self._settings)
        container.clock.override(providers.Object(self.clock))
        return container

    def restart(self) -> None:
        self.container.engine().dispose()
        self.container = self._start(self.db_url)

    def invoice(self, email: str | None = "accounts@cafe.example") -> dict[str, Any]:
        with self.container.engine().begin() as conn:
            company = seed_company(conn)
            conn.execute(update(companies).where(companies.c.id == company).values(email=email))
            order = seed_order(conn, company)
        result = self.client.simulate_post(f"{BASE}/order/{order}", json={},
                                           headers=self.headers)
        assert result.status_code == 201, result.text
        invoice: dict[str, Any] = result.json["invoice"]
        return invoice

    def send(self, invoice_id: str, body: dict[str, Any] | None = None) -> testing.Result:
        return self.client.simulate_post(f"{BASE}/{invoice_id}/send", json=body or {},
                                         headers=self.headers)

    def deliveries(self, invoice_id: str) -> list[dict[str, Any]]:
        result = self.client.simulate_get(f"{BASE}/{invoice_id}/deliveries",
                                          headers=self.headers)
        assert result.status_code == 200, result.text
        items: list[dict[str, Any]] = result.json["items"]
        return items

    def drain(self) -> int:
        return deliver_outbox(self.container)


def smtp_world(make: Callable[..., Container], smtp: MailCatcher, db_url: str | None = None,
               **settings: Any) -> World:
    return World(make, db_url, smtp_host="127.0.0.1", smtp_port=smtp.port, **settings)


def parts(message: Message) -> tuple[str, str, bytes]:
    """The plain text, the HTML and the PDF attachment of a received mail."""
    text = html = ""
    pdf = b""
    for part in message.walk():
        kind = part.get_content_type()
        payload = part.get_payload(decode=True)
        if kind == "text/plain" and not part.get_filename():
            text = payload.decode()  # type: ignore[union-attr]
        elif kind == "text/html":
            html = payload.decode()  # type: ignore[union-attr]
        elif kind == "application/pdf":
            pdf = payload  # type: ignore[assignment]
    return text, html, pdf


def test_the_invoice_mail_reaches_the_client_with_the_pdf_and_how_to_pay(
        make_container: Callable[..., Container], smtp: MailCatcher) -> None:
    world = smtp_world(make_container, smtp)
    invoice = world.invoice()
    result = world.send(invoice["id"], {"cc": ["boss@cafe.example"],
                                        "message": "Thank you for your order."})
    assert result.status_code == 202, result.text
    delivery = result.json["delivery"]
    assert (delivery["status"], delivery["to"], delivery["cc"]) == (
        "queued", "accounts@cafe.example", ["boss@cafe.example"])
    assert smtp.messages == []  # queued: the background round sends it
    detail = world.client.simulate_get(f"{BASE}/{invoice['id']}", headers=world.headers).json
    assert detail["invoice"]["status"] == "sent"
    assert [(h["oldStatus"], h["newStatus"]) for h in detail["invoice"]["history"]][-1] == (
        "draft", "sent")

    assert world.drain() == 1
    (mail,) = smtp.wait_for(1)
    assert mail["To"] == "accounts@cafe.example" and mail["Cc"] == "boss@cafe.example"
    assert mail["Message-ID"] == delivery["messageId"]
    assert mail["Message-ID"].endswith("@socialscale.in>")
    assert mail["Subject"] == "Invoice SS/26-27/000001 from Social Scale Marketing LLP"
    text, html, pdf = parts(mail)
    for expected in ("SS/26-27/000001", "₹79.98", "01 Dec 2026", "socialscale@okhdfc",
                     "HDFC0001234", "Rupees Seventy-Nine and Ninety-Eight Paise Only",
                     "Thank you for your order.", "upi://pay?pa=socialscale@okhdfc"):
        assert expected in text, expected
        assert expected.replace("&", "&amp;") in html, expected
    pages = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = pages.replace("\n", " ")
    for expected in ("SS/26-27/000001", "₹79.98", "UPI ID: socialscale@okhdfc",
                     "Rupees Seventy-Nine and Ninety-Eight Paise Only"):
        assert expected in flat, expected
    (row,) = world.deliveries(invoice["id"])
    assert row["status"] == "sent" and row["sentAt"] == "2026-11-24T10:51:41Z"
    assert row["attempts"] == 1 and row["error"] is None
    assert world.drain() == 0 and len(smtp.messages) == 1


def test_who_and_what_can_be_sent(make_container: Callable[..., Container],
                                  smtp: MailCatcher) -> None:
    world = smtp_world(make_container, smtp)
    nobody = world.invoice(email=None)
    body = assert_problem(world.send(nobody["id"]), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["to"]
    assert world.send(nobody["id"], {"to": "cfo@cafe.example"}).status_code == 202
    bad = assert_problem(world.send(nobody["id"], {"to": "not-an-address"}), 422,
                         "validation_error")
    assert [e["field"] for e in bad["errors"]] == ["to"]
    assert_problem(world.send(nobody["id"], {"to": "a@b.example", "bcc": "x"}), 422,
                   "validation_error")
    assert_problem(world.send("no-such-invoice"), 404, "not_found")
    void = world.invoice()
    assert world.client.simulate_put(f"{BASE}/{void['id']}/status", json={"status": "void"},
                                     headers=world.headers).status_code == 200
    assert_problem(world.send(void["id"]), 409, "illegal_transition")
    paid = world.invoice()
    for status in ("sent", "paid"):
        world.client.simulate_put(f"{BASE}/{paid['id']}/status", json={"status": status},
                                  headers=world.headers)
    assert_problem(world.send(paid["id"]), 409, "illegal_transition")
    assert world.deliveries(paid["id"]) == []
    again = world.send(nobody["id"], {"to": "cfo@cafe.example"})  # a sent one may go again
    assert again.status_code == 202 and len(world.deliveries(nobody["id"])) == 2


def test_a_crash_after_queuing_sends_the_mail_once_after_the_restart(
        make_container: Callable[..., Container], smtp: MailCatcher, db_url: str) -> None:
    world = smtp_world(make_container, smtp, db_url)
    invoice = world.invoice()
    delivery = world.send(invoice["id"]).json["delivery"]
    world.restart()  # the process died before any round ran
    assert world.drain() == 1 and world.drain() == 0
    assert [m["Message-ID"] for m in smtp.wait_for(1)] == [delivery["messageId"]]

    # A crash in the middle of a send (claimed, never recorded): due again after the lease,
    # under the same Message-ID.
    world.clock.advance(seconds=1)
    second = world.send(invoice["id"]).json["delivery"]
    with world.container.uow() as uow:
        now = world.clock.now()
        (claimed,) = uow.outbox.claim_due(now, 10, now + timedelta(minutes=5))
        uow.commit()
    world.restart()
    assert world.drain() == 0  # still leased
    world.clock.advance(minutes=10)
    assert world.drain() == 1 and world.drain() == 0
    ids = [m["Message-ID"] for m in smtp.wait_for(2)]
    assert ids == [delivery["messageId"], second["messageId"]] == [
        delivery["messageId"], claimed.message_id]
    rows = world.deliveries(invoice["id"])
    assert [(r["status"], r["attempts"]) for r in rows] == [("sent", 1), ("sent", 2)]


def test_an_smtp_failure_is_retried_with_backoff_then_marked_failed(
        make_container: Callable[..., Container], smtp: MailCatcher) -> None:
    world = World(make_container, None, smtp_host="127.0.0.1", smtp_port=closed_port(),
                  outbox_max_attempts=3, outbox_retry_base="60s")
    invoice = world.invoice()
    world.send(invoice["id"])
    assert world.drain() == 1
    (row,) = world.deliveries(invoice["id"])
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "SMTP delivery failed" in row["error"]
    assert row["nextAttemptAt"] == "2026-11-24T10:52:41Z"  # one minute later
    assert world.drain() == 0  # not due yet
    world.clock.advance(minutes=1)
    assert world.drain() == 1
    (row,) = world.deliveries(invoice["id"])
    assert (row["status"], row["attempts"], row["nextAttemptAt"]) == (
        "queued", 2, "2026-11-24T10:54:41Z")  # then two minutes
    world.clock.advance(minutes=2)
    assert world.drain() == 1
    (row,) = world.deliveries(invoice["id"])
    assert (row["status"], row["attempts"], row["nextAttemptAt"]) == ("failed", 3, None)
    world.clock.advance(days=1)
    assert world.drain() == 0 and smtp.messages == []


def test_without_a_mail_server_development_logs_the_mail_and_production_fails_it(
        make_container: Callable[..., Container]) -> None:
    world = World(make_container, None)  # no SMTP_HOST, development
    invoice = world.invoice()
    world.send(invoice["id"])
    assert world.drain() == 1
    assert [r["status"] for r in world.deliveries(invoice["id"])] == ["sent"]
    prod = World(make_container, None, outbox_max_attempts=1)
    prod.container.mail_transport.override(providers.Object(DisabledMailer()))
    other = prod.invoice()
    prod.send(other["id"])
    assert prod.drain() == 1
    (row,) = prod.deliveries(other["id"])
    assert row["status"] == "failed" and "SMTP_HOST" in row["error"]
