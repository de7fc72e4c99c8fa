"""Invoicing use cases over the in-memory unit of work: issue, lifecycle, adjustments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from social_scale_core.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from social_scale_core.invoicing import (
    BillingParty,
    InvoiceFilter,
    InvoicePolicy,
    InvoiceRequest,
    InvoiceStatus,
    OrderForInvoice,
    TaxMode,
    adjust_for_order_outcome,
    change_status,
    invoice_order,
    issue_invoice,
    list_invoices,
)
from social_scale_core.invoicing.lifecycle import history

from tests.fakes.invoicing import InvoicingStore

NOW = datetime(2026, 11, 24, 10, 51, 41, tzinfo=UTC)
SELLER = BillingParty("Social Scale LLP", gstin="29ABCDE1234F1Z5", state_code="29")
BUYER = BillingParty("Café Ünïcode Pvt. Ltd.", gstin="29AAACU1234F1Z1")
POLICY = InvoicePolicy(seller=SELLER)
GST = InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST)
S = InvoiceStatus


def request(order_id: str = "o1", cost: str = "9.998", multiplier: str = "8",
            quantity: int = 1000) -> InvoiceRequest:
    return InvoiceRequest(order_id=order_id, company_id="c1", currency="INR",
                          base_cost=Decimal(cost), multiplier=Decimal(multiplier),
                          description="Instagram Followers", quantity=quantity, buyer=BUYER)


def issued(store: InvoicingStore, policy: InvoicePolicy = POLICY, **kw: object):  # type: ignore[no-untyped-def]
    with store.factory()() as uow:
        invoice = issue_invoice(uow, request(**kw), NOW, policy)  # type: ignore[arg-type]
        uow.commit()
    return invoice


def test_issue_prices_numbers_and_dates_a_draft() -> None:
    store = InvoicingStore()
    invoice = issued(store)
    assert invoice.number == "SS/26-27/000001"
    assert (invoice.base_cost, invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("9.998"), Decimal("79.98"), Decimal(0), Decimal("79.98"))
    assert invoice.status is S.DRAFT and invoice.paid_at is None
    assert invoice.due_at == NOW + timedelta(days=7)
    line = invoice.lines[0]
    assert (line.quantity, line.unit_price, line.amount, line.sac) == (
        1000, Decimal("0.0800"), Decimal("79.98"), None)
    assert [e.action for e in store.history] == ["issued"]


def test_gst_same_state_adds_cgst_and_sgst_with_sac() -> None:
    invoice = issued(InvoicingStore(), GST, cost="12.50")
    assert invoice.subtotal == Decimal("100.00")
    assert [(t.name, t.amount) for t in invoice.taxes] == [
        ("CGST", Decimal("9.00")), ("SGST", Decimal("9.00"))]
    assert invoice.total == Decimal("118.00")
    assert invoice.lines[0].sac == "998361" and invoice.lines[0].taxes == invoice.taxes


def test_numbers_are_consecutive_and_a_rolled_back_issue_gives_its_number_back() -> None:
    store = InvoicingStore()
    assert issued(store, order_id="a").number.endswith("000001")
    with store.factory()() as uow:
        issue_invoice(uow, request("b"), NOW, POLICY)  # no commit: rolled back
    assert issued(store, order_id="c").number.endswith("000002")
    assert set(store.counters.values()) == {2}


def test_one_invoice_per_order() -> None:
    store = InvoicingStore()
    issued(store)
    with pytest.raises(Conflict):
        issued(store)


@pytest.mark.parametrize("multiplier", ["0", "-2", "1001"])
def test_bad_multiplier_is_refused_before_taking_a_number(multiplier: str) -> None:
    store = InvoicingStore()
    with pytest.raises(ValidationFailed):
        issued(store, multiplier=multiplier)
    assert store.counters == {}


def test_lifecycle_draft_sent_paid_records_paid_at_and_history() -> None:
    store = InvoicingStore()
    invoice = issued(store)
    factory = store.factory()
    change_status(factory, invoice.id, S.SENT, NOW, "admin-1")
    paid = change_status(factory, invoice.id, S.PAID, NOW + timedelta(days=1), "admin-1")
    assert paid.status is S.PAID and paid.paid_at == NOW + timedelta(days=1)
    entries = history(factory, invoice.id)
    assert [(e.action, e.old_status, e.new_status, e.actor) for e in entries] == [
        ("issued", None, "draft", "system"), ("status", "draft", "sent", "admin-1"),
        ("status", "sent", "paid", "admin-1")]


@pytest.mark.parametrize(("path", "illegal"), [
    ((), S.PAID), ((S.SENT, S.PAID), S.VOID), ((S.VOID,), S.SENT), ((S.SENT, S.PAID), S.DRAFT),
])
def test_illegal_transitions_conflict(path: tuple[InvoiceStatus, ...],
                                      illegal: InvoiceStatus) -> None:
    store = InvoicingStore()
    invoice = issued(store)
    for status in path:
        change_status(store.factory(), invoice.id, status, NOW, "a")
    with pytest.raises(IllegalTransition):
        change_status(store.factory(), invoice.id, illegal, NOW, "a")


def test_overdue_is_computed_never_set() -> None:
    store = InvoicingStore()
    invoice = issued(store)
    change_status(store.factory(), invoice.id, S.SENT, NOW, "a")
    later = NOW + timedelta(days=8)
    assert store.invoices[invoice.id].status_at(later) is S.OVERDUE
    assert store.invoices[invoice.id].status_at(NOW + timedelta(days=6)) is S.SENT
    items, total = list_invoices(store.factory(), InvoiceFilter(now=later, status=S.OVERDUE))
    assert total == 1 and items[0].id == invoice.id
    with pytest.raises(ValidationFailed):
        change_status(store.factory(), invoice.id, S.OVERDUE, NOW, "a")
    change_status(store.factory(), invoice.id, S.PAID, later, "a")
    assert store.invoices[invoice.id].status_at(later) is S.PAID


def test_unknown_invoice_is_not_found() -> None:
    with pytest.raises(NotFound):
        change_status(InvoicingStore().factory(), "nope", S.SENT, NOW, "a")


def adjust(store: InvoicingStore, delivered: int, quantity: int = 1000,
           policy: InvoicePolicy = POLICY) -> None:
    with store.factory()() as uow:
        adjust_for_order_outcome(uow, "o1", quantity, delivered, NOW, policy)
        uow.commit()


def test_partial_unpaid_invoice_shrinks_to_what_was_delivered_once() -> None:
    store = InvoicingStore()
    invoice = issued(store, GST, cost="12.50")
    adjust(store, 600, policy=GST)
    after = store.invoices[invoice.id]
    assert after.base_cost == Decimal("7.5") and after.subtotal == Decimal("60.00")
    assert after.total == Decimal("70.80") and after.lines[0].quantity == 600
    assert after.number == invoice.number and after.billed_quantity == 600
    adjust(store, 600, policy=GST)
    adjust(store, 900, policy=GST)  # a later, larger report never bills more again
    assert store.invoices[invoice.id] == after
    assert [e.action for e in store.history] == ["issued", "adjusted"]


def test_canceled_with_nothing_delivered_voids_the_unpaid_invoice() -> None:
    store = InvoicingStore()
    invoice = issued(store)
    adjust(store, 0)
    assert store.invoices[invoice.id].status is S.VOID
    adjust(store, 0)
    assert [e.action for e in store.history] == ["issued", "voided"]


def test_paid_invoice_gets_one_credit_note_for_the_undelivered_part() -> None:
    store = InvoicingStore()
    invoice = issued(store, GST, cost="12.50")
    for status in (S.SENT, S.PAID):
        change_status(store.factory(), invoice.id, status, NOW, "a")
    adjust(store, 250, policy=GST)
    adjust(store, 250, policy=GST)
    (note,) = store.credit_notes.values()
    assert note.number == "CN/26-27/000001" and note.invoice_id == invoice.id
    assert (note.subtotal, note.tax_total, note.total) == (
        Decimal("-75.00"), Decimal("-13.50"), Decimal("-88.50"))
    assert note.lines[0].quantity == 750 and note.lines[0].sac == "998361"
    paid = store.invoices[invoice.id]
    assert paid.status is S.PAID and paid.total == Decimal("118.00")
    adjust(store, 0, policy=GST)  # later canceled entirely: a second note for the rest
    second = max(store.credit_notes.values(), key=lambda n: n.number)
    assert second.number == "CN/26-27/000002" and second.total == Decimal("-29.50")


def test_adjusting_an_order_without_invoice_does_nothing() -> None:
    store = InvoicingStore()
    adjust(store, 10)
    assert store.invoices == {} and store.history == []


def order(status: str = "completed", remains: int | None = 0) -> OrderForInvoice:
    return OrderForInvoice(order_id="o1", company_id="c1", currency="INR",
                           cost=Decimal("9.998"), quantity=1000, description="Followers",
                           status=status, remains=remains, buyer=BUYER)


def test_invoice_order_uses_the_default_multiplier_and_refuses_a_second() -> None:
    store = InvoicingStore()
    store.orders["o1"] = order()
    invoice = invoice_order(store.factory(), "o1", None, NOW, POLICY)
    assert invoice.multiplier == 8 and invoice.total == Decimal("79.98")
    with pytest.raises(Conflict):
        invoice_order(store.factory(), "o1", Decimal(2), NOW, POLICY)
    with pytest.raises(NotFound):
        invoice_order(store.factory(), "nope", None, NOW, POLICY)


def test_invoice_order_for_an_order_already_partial_bills_what_was_delivered() -> None:
    store = InvoicingStore()
    store.orders["o1"] = order("partial", remains=400)
    invoice = invoice_order(store.factory(), "o1", Decimal(10), NOW, POLICY)
    assert invoice.lines[0].quantity == 600 and invoice.total == Decimal("59.99")


@pytest.mark.parametrize(("status", "remains"), [("failed", None), ("canceled", 1000),
                                                 ("canceled", 10)])
def test_nothing_delivered_is_nothing_to_invoice(status: str, remains: int | None) -> None:
    store = InvoicingStore()
    store.orders["o1"] = order(status, remains)
    with pytest.raises(Conflict):
        invoice_order(store.factory(), "o1", None, NOW, POLICY)
    assert store.counters == {}
