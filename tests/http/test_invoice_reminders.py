"""Reminders of overdue invoices (INVOICE_REMINDER_DAYS): each step once, on record, mailed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from social_scale_app.sync_wiring import deliver_outbox, send_reminders
from social_scale_core.delivery.reminders import due_step
from social_scale_wiring.container import Container

from tests.http.test_invoice_send import World
from tests.smtp_server import MailCatcher


@pytest.fixture
def smtp() -> Iterator[MailCatcher]:
    with MailCatcher() as catcher:
        yield catcher


def relogin(world: World) -> None:
    from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

    token = login(world.client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    world.headers = {"Authorization": f"Bearer {token['accessToken']}"}


def test_each_reminder_step_is_mailed_once_and_recorded(
        make_container: Callable[..., Container], smtp: MailCatcher, db_url: str) -> None:
    world = World(make_container, db_url, smtp_host="127.0.0.1", smtp_port=smtp.port,
                  invoice_reminder_days="7,3")
    invoice = world.invoice()
    paid = world.invoice()
    for status in ("sent", "paid"):
        world.client.simulate_put(f"/api/v1/invoices/{paid['id']}/status",
                                  json={"status": status}, headers=world.headers)
    due = datetime.fromisoformat(invoice["dueAt"])
    world.clock.advance(seconds=(due + timedelta(days=2) - world.clock.now()).total_seconds())
    assert send_reminders(world.container) == 0
    world.clock.advance(days=1, seconds=1)  # three days late
    assert send_reminders(world.container) == 1 and send_reminders(world.container) == 0
    assert deliver_outbox(world.container) == 1
    (mail,) = smtp.wait_for(1)
    subject = " ".join(mail["Subject"].split())  # unfolded
    assert subject == "Reminder: invoice SS/26-27/000001 from Social Scale Marketing LLP is overdue"
    assert mail["To"] == "accounts@cafe.example"
    world.clock.advance(days=4)  # seven days late
    assert send_reminders(world.container) == 1
    world.clock.advance(days=30)
    assert send_reminders(world.container) == 0 and deliver_outbox(world.container) == 1
    assert len(smtp.wait_for(2)) == 2
    relogin(world)
    rows = world.deliveries(invoice["id"])
    assert [(r["kind"], r["reminderStep"], r["status"]) for r in rows] == [
        ("reminder", 3, "sent"), ("reminder", 7, "sent")]
    assert world.deliveries(paid["id"]) == []
    history = world.client.simulate_get(f"/api/v1/invoices/{invoice['id']}",
                                        headers=world.headers).json["invoice"]["history"]
    notes = [h["note"] for h in history if h["action"] == "reminder"]
    assert notes == ["3 days after due, to accounts@cafe.example",
                     "7 days after due, to accounts@cafe.example"]


def test_reminders_are_off_without_the_setting(
        make_container: Callable[..., Container]) -> None:
    world = World(make_container, None)
    world.invoice()
    world.clock.advance(days=60)
    assert send_reminders(world.container) == 0


def test_an_invoice_first_seen_late_gets_only_the_step_it_reached() -> None:
    from social_scale_core.invoicing import InvoicePolicy

    from tests.contract.test_invoice_pdf import SELLER, invoice_for

    invoice, _ = invoice_for(InvoicePolicy(seller=SELLER))
    late = invoice.due_at + timedelta(days=8, hours=1)
    assert due_step(invoice, late, (3, 7, 14), set()) == 7
    assert due_step(invoice, late, (3, 7, 14), {7}) is None
    assert due_step(invoice, late + timedelta(days=6), (3, 7, 14), {7}) == 14
    assert due_step(invoice, invoice.due_at + timedelta(days=2), (3,), set()) is None
