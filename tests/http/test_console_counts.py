"""The console's invoice list counts its matches only up to a cap (a page needs no exact
count of a million invoices): past it the page says "more than" and keeps a Next link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from social_scale_adapters.db.invoices.invoice_tables import invoices
from social_scale_core.invoicing.ports import InvoiceFilter
from social_scale_web import paging
from social_scale_web.pages import dashboard
from sqlalchemy import Engine, insert

from tests.http.console_support import Browser


def bills(engine: Engine, company_id: str, count: int) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(invoices), [dict(
            id=f"inv-{n:05d}", kind="invoice", number=f"N{n:05d}", company_id=company_id,
            status="sent", currency="INR", subtotal=Decimal(10), tax_total=Decimal(0),
            total=Decimal(10), tax_mode="off", tax_inclusive=False, seller_name="S",
            buyer_name="B", issued_at=at + timedelta(minutes=n), due_at=at + timedelta(days=7),
            updated_at=at) for n in range(count)])


def test_the_repository_counts_up_to_the_cap_plus_one_or_exactly(uow_factory: Any,
                                                               engine: Engine) -> None:
    bills(engine, "c1", 30)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with uow_factory() as uow:
        assert uow.invoices.list(InvoiceFilter(now=now, limit=5))[1] == 30
        assert uow.invoices.list(InvoiceFilter(now=now, limit=5, count_upto=12))[1] == 13
        assert uow.invoices.list(InvoiceFilter(now=now, limit=5, count_upto=30))[1] == 30


def test_past_the_cap_the_list_says_more_than_and_goes_on(
        monkeypatch: pytest.MonkeyPatch, signed_in: Browser, container: Any) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 60)  # a list counts 10 pages ahead at least
    monkeypatch.setattr(dashboard, "COUNT_CAP", 60)
    company = signed_in.post("/companies/new", {"name": "Acme"}, csrf_from="/companies/new")
    company_id = company.headers["location"].split("/companies/")[1].split("?")[0]
    bills(container.engine(), company_id, 600)
    first = signed_in.get("/invoices")
    assert "more than 500 in all" in first.text and 'rel="next"' in first.text
    deep = signed_in.get("/invoices?page=3")  # counted up to 10 pages past this one
    assert "Page 3 of 12 (600 in all)" in deep.text
    assert "more than 60 overdue" in signed_in.get("/").text
    monkeypatch.setattr(dashboard, "COUNT_CAP", 600)
    assert ">600 overdue" in signed_in.get("/").text
