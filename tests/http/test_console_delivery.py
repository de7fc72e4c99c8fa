"""The console's share of issue 16 over TestClient on the real container: sending an
invoice through the outbox with its delivery history, credit-note PDFs, the operator's
alerts (dashboard and alerts page, acknowledging), and the invoice register download."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from social_scale_core.alerts.model import Alert, AlertKind
from social_scale_core.delivery.send import deliveries
from social_scale_core.invoicing import adjust_for_order_outcome

from tests.http.console_support import Browser

Placed = tuple[Browser, str, str]


def invoice_of(browser: Browser, order_id: str) -> str:
    page = browser.get(f"/orders/{order_id}").text
    found = re.search(r'href="/invoices/([^"]+)" data-invoice-link', page)
    assert found, page
    return found.group(1)


def test_send_defaults_to_the_company_email_and_shows_the_delivery(
        signed_in: Browser, container: Any) -> None:
    company = signed_in.post("/companies/new", {"name": "Mail Co", "email": "billing@mail.example",
                                                "defaultInvoiceMultiplier": "8"},
                             csrf_from="/companies/new")
    company_id = company.headers["location"].split("/companies/")[1].split("?")[0]
    placed = signed_in.post("/orders/new", {
        "companyId": company_id, "service": "2124", "link": "https://instagram.com/mailco",
        "quantity": "1000", "formKey": "mail-1", "action": "place"}, csrf_from="/orders/new")
    invoice_id = invoice_of(signed_in, placed.headers["location"].split("/orders/")[1])
    path = f"/invoices/{invoice_id}"
    form = signed_in.get(path).text
    assert 'name="to" type="email" value="billing@mail.example"' in form
    assert "Not mailed yet" in form
    sent = signed_in.post(f"{path}/send", {"to": "", "cc": "boss@mail.example",
                                           "message": "Thanks for the campaign"}, csrf_from=path)
    assert sent.status_code == 303 and sent.headers["location"] == f"{path}?notice=mail-queued"
    (queued,) = deliveries(container.delivery_ports(), invoice_id)
    assert queued.to == ("billing@mail.example",) and queued.cc == ("boss@mail.example",)
    assert queued.message == "Thanks for the campaign"
    page = signed_in.get(sent.headers["location"]).text
    assert 'data-delivery="queued"' in page and "billing@mail.example" in page
    assert "draft → sent" in page  # the draft was marked sent, on record


def test_bad_addresses_re_render_with_messages_and_queue_nothing(
        placed: Placed, container: Any) -> None:
    browser, _, order_id = placed
    invoice_id = invoice_of(browser, order_id)
    path = f"/invoices/{invoice_id}"
    bad = browser.post(f"{path}/send", {"to": "not-an-address", "cc": "a@b.example, nope",
                                        "message": "x"}, csrf_from=path)
    assert bad.status_code == 422
    assert "To has &#39;not-an-address&#39;, which is not an email address" in bad.text
    assert "Cc has &#39;nope&#39;" in bad.text and "x</textarea>" in bad.text
    assert deliveries(container.delivery_ports(), invoice_id) == []


def test_a_company_without_email_must_be_told_whom_to_send_to(
        placed: Placed, container: Any) -> None:
    browser, _, order_id = placed
    path = f"/invoices/{invoice_of(browser, order_id)}"
    result = browser.post(f"{path}/send", {"to": ""}, csrf_from=path)
    assert result.status_code == 422
    assert "the company has no email address: say whom to send the invoice to" in result.text
    assert 'id="e-to"' in result.text  # beside the field


def test_sending_needs_the_csrf_token_and_a_payable_invoice(placed: Placed) -> None:
    browser, _, order_id = placed
    path = f"/invoices/{invoice_of(browser, order_id)}"
    refused = browser.post(f"{path}/send", {"to": "a@b.example"})
    assert refused.status_code == 403 and "This form has expired" in refused.text
    for target in ("sent", "paid"):
        browser.post(f"{path}/status", {"status": target}, csrf_from=path)
    page = browser.get(path).text
    assert f'action="{path}/send"' not in page and "is not mailed to the client" in page
    late = browser.post(f"{path}/send", {"to": "a@b.example"}, csrf_from=path)
    assert late.status_code == 409 and "paid invoice is not sent" in late.text


def test_a_credit_note_has_its_own_pdf_link(placed: Placed, container: Any) -> None:
    browser, _, order_id = placed
    path = f"/invoices/{invoice_of(browser, order_id)}"
    for target in ("sent", "paid"):
        browser.post(f"{path}/status", {"status": target}, csrf_from=path)
    with container.uow() as uow:
        adjust_for_order_outcome(uow, order_id, 1000, 400, container.clock().now(),
                                 container.invoice_policy())
        uow.commit()
    page = browser.get(path).text
    link = re.search(r'href="(/invoices/[^"]+/pdf)\?inline=1"[^>]*data-credit-note', page)
    assert link, page
    pdf = browser.get(link.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith('attachment; filename="CN-')


def _alert(container: Any, kind: AlertKind, subject: str, message: str,
           resolved: bool = False) -> str:
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    alert = Alert(id=f"alert-{subject}", kind=kind, subject=subject, message=message,
                  opened_at=now, resolved_at=now if resolved else None)
    with container.uow() as uow:
        uow.alerts.add(alert)
        uow.commit()
    return alert.id


def test_open_alerts_show_on_the_dashboard_and_are_acknowledged(
        signed_in: Browser, container: Any) -> None:
    alert_id = _alert(container, AlertKind.LOW_BALANCE, "panel",
                      "The panel balance is ₹12.50, below ₹500.")
    _alert(container, AlertKind.ORDER_UNKNOWN, "o-1", "Order o-1 has an unknown outcome.",
           resolved=True)
    page = signed_in.get("/").text
    assert "The panel balance is ₹12.50, below ₹500." in page
    assert "o-1 has an unknown outcome" not in page  # resolved: not open
    unsigned = signed_in.post(f"/alerts/{alert_id}/ack", {"back": "dashboard"})
    assert unsigned.status_code == 403
    done = signed_in.post(f"/alerts/{alert_id}/ack", {"back": "dashboard"}, csrf_from="/")
    assert done.status_code == 303 and done.headers["location"] == "/?notice=alert-acked"
    with container.uow() as uow:
        assert uow.alerts.get(alert_id).acked_at is not None
    after = signed_in.get("/").text
    assert "below ₹500" in after and "acknowledged" in after  # still open, seen
    assert f"/alerts/{alert_id}/ack" not in after


def test_the_alerts_page_lists_open_or_all(signed_in: Browser, container: Any) -> None:
    assert "No open alerts" in signed_in.get("/alerts").text
    _alert(container, AlertKind.PRICE_CHANGE, "svc-2124", "Service 2124 rose 25%.")
    _alert(container, AlertKind.ORDER_FAILED, "o-9", "Order o-9 failed at the panel.",
           resolved=True)
    open_page = signed_in.get("/alerts").text
    assert "rose 25%" in open_page and "o-9 failed" not in open_page
    every = signed_in.get("/alerts?show=all").text
    assert "rose 25%" in every and "o-9 failed" in every and "resolved" in every
    missing = signed_in.post("/alerts/nope/ack", {"back": "alerts"}, csrf_from="/alerts")
    assert missing.status_code == 404 and "Traceback" not in missing.text


def test_the_register_downloads_as_csv_and_xlsx(placed: Placed, container: Any) -> None:
    browser, _, order_id = placed
    path = f"/invoices/{invoice_of(browser, order_id)}"
    number = re.search(r"<h1>Invoice (\S+)", browser.get(path).text).group(1)  # type: ignore[union-attr]
    listing = browser.get("/invoices").text
    assert 'action="/invoices/register"' in listing
    # The register reads its days in INVOICE_TIMEZONE (India: UTC+5:30), not in UTC.
    zone = ZoneInfo(container.settings().invoice_timezone)
    day = container.clock().now().astimezone(zone).date().isoformat()
    rows = browser.get(f"/invoices/register?from={day}&to={day}&format=csv")
    assert rows.status_code == 200 and rows.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(rows.text)))
    assert row["Number"] == number and row["Document"] == "invoice"
    book = browser.get(f"/invoices/register?from={day}&to={day}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[2]][1] == number
    assert book.headers["content-disposition"].endswith(f'{day}-{day}.xlsx"')


def test_a_bad_register_period_says_what_to_fix(signed_in: Browser) -> None:
    for query, words in (("from=2026-02-30&to=2026-03-01", "From must be a day"),
                         ("from=2026-03-01&to=2026-03-02&format=pdf", "must be csv or xlsx"),
                         ("from=2026-03-05&to=2026-03-01", "ends before it starts")):
        result = signed_in.get(f"/invoices/register?{query}")
        assert result.status_code == 422, result.text[:300]
        assert words in result.text and "Traceback" not in result.text
