"""A mass order's one invoice: a line per placed order, each line billed and adjusted on
its own (a single order's invoice bills its order on the invoice itself, see `issue`).

The invoice is numbered when the batch's first order is accepted and gains a line, in
the accepting transaction, for each order accepted after it: an order and its line are
committed together, so a crash never bills an order twice or leaves one unbilled. Its
figures are always the sums of its lines'. When an order ends partial or canceled, its
line alone is repriced (unpaid invoice) or credited by a credit note of its own (paid).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from attrs import evolve

from social_scale_core.invoicing.model import (
    CreditNote,
    HistoryEntry,
    Invoice,
    InvoiceLine,
    InvoicePolicy,
    InvoiceRequest,
    InvoiceStatus,
    LineBilling,
    TaxMode,
)
from social_scale_core.invoicing.numbering import next_number
from social_scale_core.invoicing.ports import InvoicingUnitOfWork
from social_scale_core.invoicing.pricing import (
    Priced,
    apply_tax,
    difference,
    make_line,
    priced,
    prorated_cost,
)

SYSTEM = "system"


def bill_in_batch(
    uow: InvoicingUnitOfWork, batch_id: str, request: InvoiceRequest, now: datetime,
    policy: InvoicePolicy, actor: str = SYSTEM,
) -> Invoice:
    """Add the order of `request` to its batch's invoice (issued now if the batch has
    none yet); does NOT commit. The batch is locked first, so concurrent lines of one
    batch append one after the other to the one invoice."""
    uow.invoices.lock_batch(batch_id)
    invoice = uow.invoices.get_by_batch(batch_id)
    line = _line(request, policy)
    if invoice is None:
        invoice = _with_lines(_new(request, batch_id, now, policy), (line,), now)
        invoice.number = next_number(uow.invoice_numbers, policy.prefix, now, policy)
        uow.invoices.add(invoice)
        uow.invoice_history.record(HistoryEntry(
            invoice.id, now, actor, "issued", new_status=invoice.status.value,
            new_total=invoice.total, note=invoice.number))
        return invoice
    if invoice.line_of(request.order_id) is not None:
        return invoice
    old_total = invoice.total
    invoice = _with_lines(invoice, (*invoice.lines, line), now)
    uow.invoices.add_line(invoice, len(invoice.lines) - 1)
    uow.invoice_history.record(HistoryEntry(
        invoice.id, now, actor, "line_added", invoice.status.value, invoice.status.value,
        old_total, invoice.total, f"order {request.order_id}"))
    return invoice


def _new(request: InvoiceRequest, batch_id: str, now: datetime,
         policy: InvoicePolicy) -> Invoice:
    zero = Decimal(0)
    return Invoice(
        id=str(uuid.uuid4()), number="", order_id=None, batch_id=batch_id,
        company_id=request.company_id, status=InvoiceStatus.DRAFT, currency=request.currency,
        multiplier=request.multiplier, base_cost=zero, subtotal=zero, tax_total=zero,
        total=zero, lines=(), issued_at=now, due_at=now + timedelta(days=policy.due_days),
        order_cost=zero, seller=policy.seller, buyer=request.buyer, ordered_quantity=0,
        billed_quantity=0, tax_mode=policy.tax_mode, tax_inclusive=policy.tax_inclusive,
        updated_at=now,
    )


def _line(request: InvoiceRequest, policy: InvoicePolicy) -> InvoiceLine:
    doc = apply_tax(priced(request.base_cost, request.multiplier), policy.tax_mode,
                    policy.tax_inclusive, policy.seller, request.buyer)
    line = make_line(request.description, request.quantity, doc,
                     policy.tax_mode is TaxMode.GST)
    return evolve(line, order_id=request.order_id, billing=LineBilling(
        request.multiplier, request.base_cost, request.quantity, request.quantity))


def _with_lines(invoice: Invoice, lines: tuple[InvoiceLine, ...], now: datetime) -> Invoice:
    """The invoice's figures as the sums of `lines`."""
    bills = [line.billing for line in lines if line.billing is not None]
    billed_cost = sum((_billed_cost(b) for b in bills), Decimal(0))
    subtotal = sum((line.amount for line in lines), Decimal(0))
    tax = sum((line.tax_total for line in lines), Decimal(0))
    return evolve(
        invoice, lines=lines, subtotal=subtotal, tax_total=tax, total=subtotal + tax,
        base_cost=billed_cost, order_cost=sum((b.order_cost for b in bills), Decimal(0)),
        ordered_quantity=sum(b.ordered_quantity for b in bills),
        billed_quantity=sum(b.billed_quantity for b in bills), updated_at=now,
    )


def _billed_cost(b: LineBilling) -> Decimal:
    return prorated_cost(b.order_cost, b.ordered_quantity, b.billed_quantity)


def _line_billed(invoice: Invoice, b: LineBilling, units: int) -> Priced:
    """What `units` of a line's order cost the client, taxed as the invoice was."""
    if units == 0:
        return Priced(Decimal(0), (), Decimal(0))
    base = prorated_cost(b.order_cost, b.ordered_quantity, units)
    return apply_tax(priced(base, b.multiplier), invoice.tax_mode, invoice.tax_inclusive,
                     invoice.seller, invoice.buyer)


def adjust_batch_line(
    uow: InvoicingUnitOfWork, invoice: Invoice, order_id: str, delivered: int,
    now: datetime, policy: InvoicePolicy, actor: str = SYSTEM,
) -> None:
    """Bill only `delivered` units of the order's line of a mass order's (locked)
    invoice; the other lines stay as they are. Idempotent like `adjust_for_order_outcome`."""
    position = invoice.line_of(order_id)
    if position is None or invoice.status is InvoiceStatus.VOID:
        return
    line = invoice.lines[position]
    b = line.billing
    assert b is not None
    units = max(0, min(delivered, b.ordered_quantity))
    if units >= b.billed_quantity:
        return
    if invoice.status is InvoiceStatus.PAID:
        _credit_line(uow, invoice, position, units, now, policy, actor)
    else:
        _reprice_line(uow, invoice, position, units, now, actor)


def _reprice_line(uow: InvoicingUnitOfWork, invoice: Invoice, position: int, units: int,
                  now: datetime, actor: str) -> None:
    line = invoice.lines[position]
    assert line.billing is not None
    doc = _line_billed(invoice, line.billing, units)
    new_line = evolve(make_line(line.description, units, doc, invoice.tax_mode is TaxMode.GST),
                      order_id=line.order_id, billing=evolve(line.billing, billed_quantity=units))
    lines = (*invoice.lines[:position], new_line, *invoice.lines[position + 1:])
    updated = _with_lines(invoice, lines, now)
    uow.invoices.update_line(updated, position)
    uow.invoice_history.record(HistoryEntry(
        invoice.id, now, actor, "adjusted", invoice.status.value, invoice.status.value,
        invoice.total, updated.total,
        f"line {position + 1}: delivered {units} of {line.billing.ordered_quantity}"))


def _credit_line(uow: InvoicingUnitOfWork, invoice: Invoice, position: int, units: int,
                 now: datetime, policy: InvoicePolicy, actor: str) -> None:
    line = invoice.lines[position]
    b = line.billing
    assert b is not None and line.order_id is not None
    current = _line_billed(invoice, b, b.billed_quantity)
    credit = difference(_line_billed(invoice, b, units), current)
    undelivered = b.billed_quantity - units
    number = next_number(uow.invoice_numbers, policy.credit_note_prefix, now, policy)
    note_line = evolve(
        make_line(f"Credit for {undelivered} undelivered: {line.description}", undelivered,
                  credit, invoice.tax_mode is TaxMode.GST), order_id=line.order_id)
    uow.credit_notes.add(CreditNote(
        id=str(uuid.uuid4()), number=number, invoice_id=invoice.id,
        company_id=invoice.company_id, currency=invoice.currency, subtotal=credit.subtotal,
        tax_total=credit.tax_total, total=credit.total, lines=(note_line,), issued_at=now,
        reason=f"line {position + 1}: delivered {units} of {b.ordered_quantity}",
    ))
    # The line still reads as issued (a paid document's lines never change); only what
    # it bills, net of its credit notes, goes down.
    billing = evolve(b, billed_quantity=units)
    kept = evolve(line, billing=billing)
    lines = (*invoice.lines[:position], kept, *invoice.lines[position + 1:])
    uow.invoices.update_line(evolve(invoice, lines=lines,
                                    billed_quantity=invoice.billed_quantity - undelivered,
                                    updated_at=now), position)
    uow.invoice_history.record(HistoryEntry(
        invoice.id, now, actor, "credited", invoice.status.value, invoice.status.value,
        None, None, f"{number} for line {position + 1}"))
