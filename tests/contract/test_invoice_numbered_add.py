"""InvoiceRepository.add_numbered: the number taken last, with the invoice, its lines and
history; on PostgreSQL in one statement, so the series' lock is held only until commit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from attrs import evolve
from social_scale_adapters.db.invoices.invoice_issue import CACHED_ROWS
from social_scale_core.errors import Conflict
from social_scale_core.invoicing import BillingParty, InvoicePolicy, InvoiceRequest, TaxMode
from social_scale_core.invoicing import issue_invoice as issue_invoice_
from social_scale_core.invoicing.model import HistoryEntry
from social_scale_core.invoicing.numbering import number_plan
from sqlalchemy import event, text

from tests.contract.invoicing_backends import Backend, MemoryBackend, SqlBackend, backend  # noqa: F401

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SELLER = BillingParty("Social Scale LLP", gstin="29ABCDE1234F1Z5", state_code="29")
GST = InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST, prefix="ABCDE")


def _request(order_id: str) -> InvoiceRequest:
    return InvoiceRequest(order_id, "c1", "INR", Decimal("1.25"), Decimal(8), "Likes", 100,
                          BillingParty("Buyer Pvt. Ltd.", gstin="27AAACU1234F1Z1"))


def _set_counter(backend: Backend, value: int) -> None:  # noqa: F811
    plan = number_plan(GST.prefix, NOW, GST)
    if isinstance(backend, MemoryBackend):
        backend.store.counters[(plan.series, plan.fiscal_year)] = value
        return
    with backend.engine.begin() as conn:
        conn.execute(text("INSERT INTO invoice_counters (series, fiscal_year, last_value) "
                          "VALUES (:s, :y, :v)"), {"s": plan.series, "y": plan.fiscal_year,
                                                   "v": value})


def _issue(backend: Backend, order_id: str) -> Any:  # noqa: F811
    with backend.factory() as uow:
        invoice = issue_invoice_(uow, _request(order_id), NOW, GST)
        uow.commit()
    return invoice


def test_the_issued_entry_notes_the_number_and_lines_and_taxes_are_stored(
        backend: Backend) -> None:  # noqa: F811
    invoice = _issue(backend, backend.order())
    assert invoice.number == "ABCDE/26-27/0001"
    with backend.factory() as uow:
        stored = uow.invoices.get(invoice.id)
        entries = uow.invoice_history.for_invoice(invoice.id)
    assert stored == invoice and stored.number == invoice.number
    assert [t.name for t in stored.taxes] == ["IGST"]
    assert [(e.action, e.note, e.new_total) for e in entries] == [
        ("issued", invoice.number, invoice.total)]


def test_the_last_number_that_fits_is_given_then_the_series_refuses(
        backend: Backend) -> None:  # noqa: F811
    _set_counter(backend, 9998)  # ABCDE/26-27/ leaves 4 digits: 9999 is the last
    assert _issue(backend, backend.order()).number == "ABCDE/26-27/9999"
    refused = backend.order()
    with pytest.raises(Conflict, match="exhausted"):
        _issue(backend, refused)
    with backend.factory() as uow:
        assert uow.invoices.get_by_order(refused) is None
        assert uow.invoice_numbers.next("ABCDE", "26-27") == 10_000  # nothing was kept


def test_a_second_invoice_for_an_order_is_a_conflict_and_gives_its_number_back(
        backend: Backend) -> None:  # noqa: F811
    order = backend.order()
    first = _issue(backend, order)
    with pytest.raises(Conflict, match="already has an invoice"):
        _issue(backend, order)
    assert _issue(backend, backend.order()).number == "ABCDE/26-27/0002"
    assert first.number == "ABCDE/26-27/0001"


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_on_postgresql_one_statement_takes_the_number_and_writes_everything(
        backend: SqlBackend) -> None:  # noqa: F811
    order = backend.order()
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with backend.factory() as uow:
        event.listen(backend.engine, "before_cursor_execute", count)
        try:
            invoice = issue_invoice_(uow, _request(order), NOW, GST)
        finally:
            event.remove(backend.engine, "before_cursor_execute", count)
        uow.commit()
    assert len(seen) == 1, seen
    assert "invoice_counters" in seen[0] and "invoice_history" in seen[0]
    with backend.factory() as uow:
        assert uow.invoices.get(invoice.id) == invoice


POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@POSTGRES_ONLY
def test_on_postgresql_the_statement_is_compiled_once_not_for_every_invoice(
        backend: SqlBackend) -> None:  # noqa: F811
    compiled: list[Any] = []

    def keep(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
             executemany: bool) -> None:
        if "invoice_counters" in statement:
            compiled.append(context.compiled)

    event.listen(backend.engine, "before_cursor_execute", keep)
    try:
        numbers = [_issue(backend, backend.order()).number for _ in range(3)]
    finally:
        event.remove(backend.engine, "before_cursor_execute", keep)
    assert numbers == ["ABCDE/26-27/0001", "ABCDE/26-27/0002", "ABCDE/26-27/0003"]
    assert len(compiled) == 3 and compiled[0] is compiled[1] is compiled[2]


@POSTGRES_ONLY
def test_on_postgresql_an_invoice_longer_than_the_cached_shapes_is_stored_whole(
        backend: SqlBackend) -> None:  # noqa: F811
    first = _issue(backend, backend.order())
    lines = first.lines * (CACHED_ROWS + 1)
    long = evolve(first, id="long-invoice", order_id=backend.order(), number="", lines=lines)
    plan = number_plan(GST.prefix, NOW, GST)
    with backend.factory() as uow:
        number = uow.invoices.add_numbered(long, plan, HistoryEntry(
            long.id, NOW, "system", "issued", new_status="draft", new_total=long.total))
        uow.commit()
    with backend.factory() as uow:
        stored = uow.invoices.get(long.id)
        entries = uow.invoice_history.for_invoice(long.id)
    assert number == "ABCDE/26-27/0002"
    assert stored is not None and stored.number == number
    assert stored.lines == lines and len(stored.lines) == CACHED_ROWS + 1
    assert [e.note for e in entries] == [number]
