"""`GET /api/v1/invoices/register`: the accountant's CSV and XLSX (read back with openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_app.app import create_app
from social_scale_core.clock import FrozenClock
from social_scale_core.invoicing import adjust_for_order_outcome
from social_scale_wiring.container import Container

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, assert_problem, login
from tests.http.integration_helpers import admin_headers
from tests.invoice_seed import seed_company, seed_order

NOW = datetime(2026, 11, 24, 10, 51, 41, tzinfo=UTC)
URL = "/api/v1/invoices/register"
GST = {"invoice_tax_mode": "gst", "agency_gstin": "29ABCDE1234F1Z5", "agency_state_code": "29"}


class Books:
    def __init__(self, make: Callable[..., Container], db_url: str) -> None:
        self.clock = FrozenClock(NOW)
        self.container = make(db_url, **GST)
        self.container.clock.override(providers.Object(self.clock))
        self.client = testing.TestClient(create_app(self.container))
        self.headers = admin_headers(self.client)

    def invoice(self, name: str, gstin: str | None, cost: str) -> dict[str, Any]:
        with self.container.engine().begin() as conn:
            company = seed_company(conn, name=name, gstin=gstin)
            order = seed_order(conn, company, cost=cost)
        result = self.client.simulate_post(f"/api/v1/invoices/order/{order}", json={},
                                           headers=self.headers)
        assert result.status_code == 201, result.text
        invoice: dict[str, Any] = result.json["invoice"]
        return invoice

    def get(self, query: str) -> testing.Result:
        return self.client.simulate_get(f"{URL}?{query}", headers=self.headers)


def bearer(client: testing.TestClient, credentials: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(client, credentials)['accessToken']}"}


@pytest.fixture
def books(make_container: Callable[..., Container], db_url: str) -> Books:
    books = Books(make_container, db_url)
    local = books.invoice("Local Traders", "29AAACL1234F1Z1", "9.998")
    books.invoice("=HYPERLINK(\"http://evil.example\")", "27AAACM1234F1Z2", "12.5")
    paid = books.invoice("Refund Ltd", "07AAACR1234F1Z3", "100")
    for status in ("sent", "paid"):
        books.client.simulate_put(f"/api/v1/invoices/{paid['id']}/status",
                                  json={"status": status}, headers=books.headers)
    with books.container.uow() as uow:
        adjust_for_order_outcome(uow, paid["orderId"], 1000, 400, NOW,
                                 books.container.invoice_policy())
        uow.commit()
    books.clock.advance(days=40)
    books.headers = bearer(books.client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    books.invoice("Next Month Co", None, "1")  # outside the period asked for below
    assert local["status"] == "draft"
    return books


def invoices_and_notes(books: Books) -> list[dict[str, Any]]:
    listing = books.client.simulate_get("/api/v1/invoices?limit=200", headers=books.headers)
    docs = []
    for item in listing.json["items"]:
        detail = books.client.simulate_get(f"/api/v1/invoices/{item['id']}",
                                           headers=books.headers).json["invoice"]
        docs.append(detail)
        docs.extend(detail["creditNotes"])
    return [d for d in docs if d["issuedAt"].startswith("2026-11")]


def test_csv_has_a_row_per_invoice_and_credit_note_whose_totals_add_up(books: Books) -> None:
    result = books.get("from=2026-11-01&to=2026-11-30")
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("text/csv")
    assert "invoice-register-2026-11-01-2026-11-30.csv" in result.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(result.text)))
    docs = invoices_and_notes(books)
    assert sorted(r["Number"] for r in rows) == sorted(d["number"] for d in docs)
    assert len(rows) == 4 and [r["Document"] for r in rows].count("credit_note") == 1
    total = sum(Decimal(r["Total"]) for r in rows)
    assert total == sum(Decimal(d["total"]) for d in docs)
    money = ("Taxable value", "CGST", "SGST", "IGST", "Total")
    assert all(r[c].lstrip("-").partition(".")[2].__len__() == 2 for r in rows for c in money)
    assert all(Decimal(r["Taxable value"]) + Decimal(r["CGST"]) + Decimal(r["SGST"])
               + Decimal(r["IGST"]) == Decimal(r["Total"]) for r in rows)
    by_buyer = {r["Buyer"]: r for r in rows if r["Document"] == "invoice"}
    local = by_buyer["Local Traders"]
    assert (local["Place of supply"], local["IGST"]) == ("29", "0.00")
    assert Decimal(local["CGST"]) > 0 and local["Status"] == "overdue"  # as of today
    evil = by_buyer["'=HYPERLINK(\"http://evil.example\")"]  # quoted: never a formula
    assert evil["Place of supply"] == "27" and Decimal(evil["IGST"]) > 0
    (note,) = [r for r in rows if r["Document"] == "credit_note"]
    assert note["Credited invoice"] == by_buyer["Refund Ltd"]["Number"]
    assert Decimal(note["Total"]) < 0 and note["Buyer"] == "Refund Ltd"
    assert by_buyer["Refund Ltd"]["Status"] == "paid"


def test_xlsx_reads_back_with_typed_cells(books: Books) -> None:
    result = books.get("from=2026-11-01&to=2026-11-30&format=xlsx")
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(result.content)).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("Document", "Number", "Date") and len(rows) == 4
    csv_rows = list(csv.DictReader(io.StringIO(books.get(
        "from=2026-11-01&to=2026-11-30").text)))
    for row, line in zip(rows, csv_rows, strict=True):
        assert isinstance(row[2], datetime) and row[2].date().isoformat() == line["Date"]
        assert all(isinstance(v, int | float) for v in row[7:12])
        assert Decimal(str(row[11])).quantize(Decimal("0.01")) == Decimal(line["Total"])
    buyers = [c for c in sheet["D"][1:]]
    evil = next(c for c in buyers if str(c.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s"  # a string cell, not a formula


def test_the_period_is_checked(books: Books) -> None:
    for query, field in (("to=2026-11-30", "from"), ("from=2026-11-01", "to"),
                         ("from=2026-13-01&to=2026-11-30", "from"),
                         ("from=2026-11-30&to=2026-11-01", "to"),
                         ("from=2026-11-01&to=2026-11-30&format=pdf", "format")):
        body = assert_problem(books.get(query), 422, "validation_error")
        assert [e["field"] for e in body["errors"]] == [field], query
    empty = books.get("from=2025-01-01&to=2025-01-31")
    assert empty.status_code == 200 and empty.text.count("\r\n") == 1  # the header alone
    assert books.client.simulate_get(f"{URL}?from=2026-11-01&to=2026-11-30").status_code == 401
