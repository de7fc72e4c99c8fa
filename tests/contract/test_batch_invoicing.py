"""A mass order's one invoice, on the fake, SQLite and PostgreSQL: a line per order with its
own billing, one number, GST per line, and each line adjusted or credited on its own."""

from __future__ import annotations

import uuid
from decimal import Decimal

from social_scale_core.invoicing import (
    BillingParty,
    InvoiceRequest,
    InvoiceStatus,
    adjust_for_order_outcome,
    bill_in_batch,
    change_status,
)
from social_scale_core.invoicing.lifecycle import get_invoice
from social_scale_core.invoicing.model import Invoice
from social_scale_core.invoicing.pricing import prorated_cost

from tests.contract.invoicing_backends import Backend, backend  # noqa: F401
from tests.contract.test_invoicing_storage import GST, NOW, issue

S = InvoiceStatus
BUYER = BillingParty("Café Ünïcode Pvt. Ltd.", gstin="29AAACU1234F1Z1")  # same state: CGST+SGST
COSTS = ("12.50", "0.33333333", "7.07")


def _bill(backend: Backend, batch_id: str, order_id: str, cost: str,  # noqa: F811
          quantity: int = 1000) -> Invoice:
    with backend.factory() as uow:
        invoice = bill_in_batch(uow, batch_id, InvoiceRequest(
            order_id=order_id, company_id="c1", currency="INR", base_cost=Decimal(cost),
            multiplier=Decimal("8.5"), description=f"Followers for {order_id}",
            quantity=quantity, buyer=BUYER), NOW, GST)
        uow.commit()
    return invoice


def _adjust(backend: Backend, order_id: str, delivered: int) -> None:  # noqa: F811
    with backend.factory() as uow:
        adjust_for_order_outcome(uow, order_id, 1000, delivered, NOW, GST)
        uow.commit()


def _batch(backend: Backend) -> tuple[Invoice, list[str]]:  # noqa: F811
    batch_id = str(uuid.uuid4())
    orders = [backend.order(cost=cost) for cost in COSTS]
    for order_id, cost in zip(orders, COSTS, strict=True):
        invoice = _bill(backend, batch_id, order_id, cost)
    return invoice, orders


def _line_total(cost: Decimal, units: int = 1000) -> tuple[Decimal, Decimal]:
    """(amount, tax) of `units` of a 1000-unit order of `cost` at 8.5, GST 9 + 9."""
    amount = (prorated_cost(cost, 1000, units) * Decimal("8.5")).quantize(Decimal("0.01"))
    half = (amount * 9 / 100).quantize(Decimal("0.01"))
    return amount, half * 2


def test_one_invoice_one_number_a_line_per_order_taxed_line_by_line(
        backend: Backend) -> None:  # noqa: F811
    invoice, orders = _batch(backend)
    again = _bill(backend, invoice.batch_id or "", orders[0], COSTS[0])  # a repeat
    stored = get_invoice(backend.factory, invoice.id).invoice
    assert again == invoice and stored.lines == invoice.lines
    assert stored.number == "SS/26-27/000001" and stored.order_id is None
    assert [line.order_id for line in stored.lines] == orders
    expected = [_line_total(Decimal(cost)) for cost in COSTS]
    assert [(line.amount, line.tax_total) for line in stored.lines] == expected
    assert [t.name for t in stored.lines[0].taxes] == ["CGST", "SGST"]
    assert stored.subtotal == sum(a for a, _ in expected)
    assert stored.tax_total == sum(t for _, t in expected)
    assert stored.total == stored.subtotal + stored.tax_total
    assert stored.ordered_quantity == stored.billed_quantity == 3000
    assert stored.order_cost == sum(Decimal(c) for c in COSTS)
    for order_id in orders:
        with backend.factory() as uow:
            assert uow.invoices.get_by_order(order_id) == stored
    # The series moved once for the whole batch.
    assert issue(backend, backend.order()).number == "SS/26-27/000002"


def test_an_unpaid_partial_or_canceled_line_reprices_only_itself(
        backend: Backend) -> None:  # noqa: F811
    invoice, orders = _batch(backend)
    _adjust(backend, orders[1], 400)
    _adjust(backend, orders[1], 700)  # never bills back up
    _adjust(backend, orders[2], 0)
    after = get_invoice(backend.factory, invoice.id)
    lines = after.invoice.lines
    assert lines[0] == invoice.lines[0] and not after.credit_notes
    assert (lines[1].quantity, (lines[1].amount, lines[1].tax_total)) == (
        400, _line_total(Decimal(COSTS[1]), 400))
    assert lines[1].billing is not None and lines[1].billing.billed_quantity == 400
    assert (lines[2].quantity, lines[2].amount, lines[2].taxes) == (0, Decimal(0), ())
    assert after.invoice.status is S.DRAFT  # other lines still bill
    assert after.invoice.total == sum((line.total for line in lines), Decimal(0))
    assert after.invoice.billed_quantity == 1400


def test_a_paid_invoice_credits_the_line_with_a_note_of_its_own(
        backend: Backend) -> None:  # noqa: F811
    invoice, orders = _batch(backend)
    for status in (S.SENT, S.PAID):
        change_status(backend.factory, invoice.id, status, NOW, "admin-1")
    _adjust(backend, orders[0], 250)
    _adjust(backend, orders[0], 250)
    _adjust(backend, orders[2], 0)
    view = get_invoice(backend.factory, invoice.id)
    assert view.invoice.total == invoice.total and view.invoice.status is S.PAID
    assert [line.amount for line in view.invoice.lines] == [x.amount for x in invoice.lines]
    first, second = view.credit_notes
    assert (first.number, second.number) == ("CN/26-27/000001", "CN/26-27/000002")
    assert [line.order_id for line in first.lines] == [orders[0]]
    assert [line.order_id for line in second.lines] == [orders[2]]
    full, tax = _line_total(Decimal(COSTS[0]))
    kept, kept_tax = _line_total(Decimal(COSTS[0]), 250)
    assert (first.subtotal, first.tax_total) == (kept - full, kept_tax - tax)
    assert second.total == -invoice.lines[2].total
    assert view.invoice.billed_quantity == 1250
