"""Invoicing storage contract: the fake and the SQL repositories (SQLite, PostgreSQL) agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from attrs import evolve
from social_scale_core.errors import Conflict
from social_scale_core.invoicing import (
    BillingParty,
    InvoiceFilter,
    InvoicePolicy,
    InvoiceRequest,
    InvoiceStatus,
    TaxMode,
    adjust_for_order_outcome,
    change_status,
    invoice_order,
    issue_invoice,
    list_invoices,
)
from social_scale_core.invoicing.lifecycle import get_invoice, history, invoice_sums
from social_scale_core.invoicing.model import InvoiceLine, TaxLine

from tests.contract.invoicing_backends import Backend, backend  # noqa: F401

NOW = datetime(2026, 11, 24, 10, 51, 41, tzinfo=UTC)
SELLER = BillingParty("Social Scale LLP", gstin="29ABCDE1234F1Z5", state_code="29",
                      address="MG Road, Bengaluru", email="billing@ss.example")
GST = InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST)
PLAIN = InvoicePolicy(seller=SELLER)
S = InvoiceStatus


def issue(backend: Backend, order_id: str, policy: InvoicePolicy = GST,  # noqa: F811
          at: datetime = NOW, cost: str = "12.50", company_id: str = "c1"):  # type: ignore[no-untyped-def]
    with backend.factory() as uow:
        invoice = issue_invoice(uow, InvoiceRequest(
            order_id=order_id, company_id=company_id, currency="INR", base_cost=Decimal(cost),
            multiplier=Decimal(8), description="Instagram Followers [Refill 30D]",
            quantity=1000, buyer=BillingParty("Café Ünïcode Pvt. Ltd.", gstin="27AAACU1234F1Z1",
                                              address="Straße 5", email="a@b.example"),
        ), at, policy)
        uow.commit()
    return invoice


def test_an_invoice_reads_back_exactly_as_issued(backend: Backend) -> None:  # noqa: F811
    invoice = issue(backend, backend.order())
    with backend.factory() as uow:
        assert uow.invoices.get(invoice.id) == invoice
        assert uow.invoices.get_by_order(invoice.order_id) == invoice
        assert uow.invoices.get("missing") is None
    assert [(t.name, t.amount) for t in invoice.taxes] == [("IGST", Decimal("18.00"))]


def test_lines_and_their_taxes_read_back_in_order_by_every_lookup(
    backend: Backend,  # noqa: F811
) -> None:
    """One query joins lines and taxes: each line must keep exactly its own taxes."""
    invoice = issue(backend, backend.order())
    lines = (
        InvoiceLine("Followers", 1000, Decimal("0.1"), Decimal("100.00"), "998361", (
            TaxLine("CGST", Decimal(9), Decimal("9.00")),
            TaxLine("SGST", Decimal(9), Decimal("9.00")))),
        InvoiceLine("Likes, no tax", 3, Decimal("0.3333"), Decimal("1.00")),
        InvoiceLine("Views", 50, Decimal("0.2"), Decimal("10.00"), "998361",
                    (TaxLine("IGST", Decimal(18), Decimal("1.80")),)),
    )
    stored = evolve(invoice, lines=lines)
    with backend.factory() as uow:
        uow.invoices.update(stored)
        uow.commit()
    with backend.factory() as uow:
        assert uow.invoices.get(invoice.id) == stored
        assert uow.invoices.get_by_order(invoice.order_id) == stored
        assert uow.invoices.get_for_update(invoice.id) == stored
        assert uow.invoices.get_for_update("missing") is None


def test_second_invoice_for_an_order_conflicts(backend: Backend) -> None:  # noqa: F811
    order_id = backend.order()
    first = issue(backend, order_id)
    twin = evolve(first, id="another-id", number="SS/26-27/999999")
    with pytest.raises(Conflict), backend.factory() as uow:
        uow.invoices.add(twin)


def test_status_changes_and_adjustments_are_stored_with_history(backend: Backend) -> None:  # noqa: F811
    invoice = issue(backend, backend.order())
    change_status(backend.factory, invoice.id, S.SENT, NOW, "admin-1")
    with backend.factory() as uow:
        adjust_for_order_outcome(uow, invoice.order_id, 1000, 400, NOW, GST)
        uow.commit()
    view = get_invoice(backend.factory, invoice.id)
    assert view.invoice.status is S.SENT and view.invoice.billed_quantity == 400
    assert view.invoice.lines[0].quantity == 400 and view.invoice.total == Decimal("47.20")
    assert [(e.action, e.actor, e.old_total, e.new_total) for e in history(
        backend.factory, invoice.id)] == [
        ("issued", "system", None, Decimal("118.00")),
        ("status", "admin-1", Decimal("118.00"), Decimal("118.00")),
        ("adjusted", "system", Decimal("118.00"), Decimal("47.20"))]


def test_paid_invoice_credit_notes_are_linked_numbered_and_negative(backend: Backend) -> None:  # noqa: F811
    invoice = issue(backend, backend.order())
    for status in (S.SENT, S.PAID):
        change_status(backend.factory, invoice.id, status, NOW, "admin-1")
    for _ in range(2):
        with backend.factory() as uow:
            adjust_for_order_outcome(uow, invoice.order_id, 1000, 0, NOW, GST)
            uow.commit()
    view = get_invoice(backend.factory, invoice.id)
    (note,) = view.credit_notes
    assert note.number == "CN/26-27/000001" and note.invoice_id == invoice.id
    assert (note.subtotal, note.tax_total, note.total) == (
        Decimal("-100.00"), Decimal("-18.00"), Decimal("-118.00"))
    assert [(t.name, t.amount) for t in note.taxes] == [("IGST", Decimal("-18.00"))]
    assert view.invoice.status is S.PAID and view.invoice.paid_at == NOW
    _, total = list_invoices(backend.factory, InvoiceFilter(now=NOW))
    assert total == 1  # credit notes are not invoices


def test_several_credit_notes_read_back_in_order_each_with_its_own_line(
    backend: Backend,  # noqa: F811
) -> None:
    invoice = issue(backend, backend.order())
    for status in (S.SENT, S.PAID):
        change_status(backend.factory, invoice.id, status, NOW, "admin-1")
    for delivered in (600, 0):
        with backend.factory() as uow:
            adjust_for_order_outcome(uow, invoice.order_id, 1000, delivered, NOW, GST)
            uow.commit()
    notes = get_invoice(backend.factory, invoice.id).credit_notes
    assert [(n.number, n.lines[0].quantity, n.total, [(t.name, t.amount) for t in n.taxes])
            for n in notes] == [
        ("CN/26-27/000001", 400, Decimal("-47.20"), [("IGST", Decimal("-7.20"))]),
        ("CN/26-27/000002", 600, Decimal("-70.80"), [("IGST", Decimal("-10.80"))])]
    assert all(len(n.lines) == 1 for n in notes)
    other = issue(backend, backend.order())
    with backend.factory() as uow:
        invoice_now = uow.invoices.get(invoice.id)
        assert uow.invoices.get_with_credit_notes(invoice.id) == (invoice_now, list(notes))
        assert uow.invoices.get_with_credit_notes(other.id) == (other, [])
        assert uow.invoices.get_with_credit_notes(notes[0].id) is None  # not an invoice
        assert uow.invoices.get_with_credit_notes("missing") is None


def test_listing_filters_by_status_overdue_company_and_dates(backend: Backend) -> None:  # noqa: F811
    early = issue(backend, backend.order(), PLAIN, at=NOW - timedelta(days=30))
    mid = issue(backend, backend.order(company_id="c2"), PLAIN, at=NOW - timedelta(days=3),
                company_id="c2")
    late = issue(backend, backend.order(), PLAIN, at=NOW)
    change_status(backend.factory, early.id, S.SENT, NOW, "a")
    change_status(backend.factory, late.id, S.VOID, NOW, "a")

    def ids(**kw: object) -> list[str]:
        items, total = list_invoices(backend.factory, InvoiceFilter(now=NOW, **kw))  # type: ignore[arg-type]
        assert total == len(items)
        return [i.id for i in items]

    assert ids() == [late.id, mid.id, early.id]
    assert ids(status=S.OVERDUE) == [early.id]
    assert ids(status=S.SENT) == [] and ids(status=S.DRAFT) == [mid.id]
    assert ids(status=S.VOID) == [late.id]
    assert ids(company_id="c2") == [mid.id]
    assert ids(issued_from=NOW - timedelta(days=4), issued_to=NOW) == [mid.id]
    page, total = list_invoices(backend.factory, InvoiceFilter(now=NOW, limit=1, offset=1))
    assert [i.id for i in page] == [mid.id] and total == 3


def test_series_are_consecutive_per_prefix_and_year_and_rollback_returns_numbers(
    backend: Backend,  # noqa: F811
) -> None:
    with backend.factory() as uow:
        taken = [uow.invoice_numbers.next("SS", "26-27") for _ in range(3)]
        assert uow.invoice_numbers.next("CN", "26-27") == 1
        assert uow.invoice_numbers.next("SS", "27-28") == 1
        uow.commit()
    assert taken == [1, 2, 3]
    with backend.factory() as uow:
        assert uow.invoice_numbers.next("SS", "26-27") == 4  # rolled back on exit
    with backend.factory() as uow:
        assert uow.invoice_numbers.next("SS", "26-27") == 4


def test_a_failed_issue_leaves_no_gap(backend: Backend) -> None:  # noqa: F811
    first = issue(backend, backend.order())
    doomed = backend.order()
    with pytest.raises(RuntimeError), backend.factory() as uow:
        issue_invoice(uow, InvoiceRequest(doomed, "c1", "INR", Decimal(1), Decimal(8), "x", 1,
                                          BillingParty("B")), NOW, GST)
        raise RuntimeError("the order's transaction failed after the invoice was numbered")
    assert first.number == "SS/26-27/000001"
    assert issue(backend, doomed).number == "SS/26-27/000002"


def test_invoicing_an_order_reads_its_cost_and_company(backend: Backend) -> None:  # noqa: F811
    buyer = BillingParty("Café Ünïcode Pvt. Ltd.", gstin="29AAACU1234F1Z1", state_code="29")
    order_id = backend.order(cost="10", status="partial", remains=250, buyer=buyer,
                             multiplier=Decimal("2.5"))
    invoice = invoice_order(backend.factory, order_id, None, NOW, GST, "admin-1")
    assert invoice.multiplier == Decimal("2.5") and invoice.buyer.name == buyer.name
    assert invoice.lines[0].quantity == 750 and invoice.base_cost == Decimal("7.5")
    assert invoice.subtotal == Decimal("18.75")
    assert [t.name for t in invoice.taxes] == ["CGST", "SGST"]


def test_sums_add_up_what_the_list_shows_and_overdue_lists_most_recently_due_first(
        backend: Backend) -> None:  # noqa: F811
    bills = [issue(backend, backend.order(), PLAIN, at=NOW - timedelta(days=60 - 7 * k),
                   cost=f"{10 + k}.25") for k in range(6)]
    for bill in bills[:5]:
        change_status(backend.factory, bill.id, S.SENT, NOW, "a")
    change_status(backend.factory, bills[1].id, S.PAID, NOW, "a")
    for kw in ({}, {"status": S.OVERDUE}, {"status": S.PAID}, {"status": S.DRAFT}):
        items, total = list_invoices(backend.factory, InvoiceFilter(now=NOW, **kw))  # type: ignore[arg-type]
        totals, count = invoice_sums(backend.factory, InvoiceFilter(now=NOW, **kw))  # type: ignore[arg-type]
        assert count == total == len(items)
        assert totals == ({"INR": sum((i.total for i in items), Decimal(0))} if items else {})
    overdue, _ = list_invoices(backend.factory, InvoiceFilter(now=NOW, status=S.OVERDUE))
    assert [i.id for i in overdue] == sorted((i.id for i in overdue), key=lambda i: next(
        b.due_at for b in bills if b.id == i), reverse=True)
    assert len(overdue) >= 3 and overdue[0].due_at > overdue[-1].due_at
    totals, count = invoice_sums(backend.factory, InvoiceFilter(
        now=NOW, status=S.OVERDUE, count_upto=1))  # capped: the two most recently due
    assert count == 2 and totals == {"INR": overdue[0].total + overdue[1].total}
