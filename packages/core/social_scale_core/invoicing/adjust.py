"""Adjusting an invoice when its order ends partial or canceled: never bill undelivered units."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from attrs import evolve

from social_scale_core.invoicing.batch import adjust_batch_line
from social_scale_core.invoicing.model import (
    CreditNote,
    HistoryEntry,
    Invoice,
    InvoicePolicy,
    InvoiceStatus,
    TaxMode,
    sum_taxes,
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


def adjust_for_order_outcome(
    uow: InvoicingUnitOfWork, order_id: str, quantity: int, delivered: int, now: datetime,
    policy: InvoicePolicy, actor: str = SYSTEM,
) -> None:
    """Bill only the `delivered` of `quantity` units of the order's invoice; does NOT commit.

    `delivered` is capped to [0, quantity]. An unpaid invoice is repriced pro rata (voided
    when nothing was delivered); a paid one gets a credit note for the difference. Units
    already taken off are never taken off twice, so calling this again changes nothing.
    No invoice, or a void one: nothing to do. On a mass order's invoice only the order's
    own line changes (`batch.adjust_batch_line`).
    """
    found = uow.invoices.get_by_order(order_id)
    invoice = uow.invoices.get_for_update(found.id) if found else None
    if invoice is None or invoice.status is InvoiceStatus.VOID:
        return
    if invoice.batch_id is not None:
        adjust_batch_line(uow, invoice, order_id, min(delivered, quantity), now, policy, actor)
        return
    units = max(0, min(delivered, quantity, invoice.ordered_quantity))
    if units >= invoice.billed_quantity:
        return
    if invoice.status is InvoiceStatus.PAID:
        _credit(uow, invoice, units, now, policy, actor)
    elif units == 0:
        _void_undelivered(uow, invoice, now, actor)
    else:
        _reprice(uow, invoice, units, now, actor)


def billed(invoice: Invoice, units: int) -> Priced:
    """What `units` of the invoice's order cost the client, taxed as the invoice was."""
    if units == 0:
        return Priced(Decimal(0), (), Decimal(0))
    base = prorated_cost(invoice.order_cost, invoice.ordered_quantity, units)
    return apply_tax(priced(base, invoice.multiplier), invoice.tax_mode, invoice.tax_inclusive,
                     invoice.seller, invoice.buyer)


def _reprice(
    uow: InvoicingUnitOfWork, invoice: Invoice, units: int, now: datetime, actor: str
) -> None:
    doc = billed(invoice, units)
    old_total = invoice.total
    line = make_line(invoice.lines[0].description, units, doc, invoice.tax_mode is TaxMode.GST)
    updated = evolve(
        invoice, base_cost=prorated_cost(invoice.order_cost, invoice.ordered_quantity, units),
        subtotal=doc.subtotal, tax_total=doc.tax_total, total=doc.total, lines=(line,),
        billed_quantity=units, updated_at=now,
    )
    uow.invoices.update(updated)
    uow.invoice_history.record(HistoryEntry(
        invoice.id, now, actor, "adjusted", invoice.status.value, invoice.status.value,
        old_total, doc.total, f"delivered {units} of {invoice.ordered_quantity}",
    ))


def _void_undelivered(
    uow: InvoicingUnitOfWork, invoice: Invoice, now: datetime, actor: str
) -> None:
    # Voiding (not zeroing) keeps the issued number and amounts on record, as GST expects
    # of a cancelled invoice; revenue figures leave void invoices out.
    uow.invoices.update(evolve(invoice, status=InvoiceStatus.VOID, billed_quantity=0,
                               updated_at=now))
    uow.invoice_history.record(HistoryEntry(
        invoice.id, now, actor, "voided", invoice.status.value, InvoiceStatus.VOID.value,
        invoice.total, invoice.total, "order ended with nothing delivered",
    ))


def net_billed(invoice: Invoice, notes: list[CreditNote]) -> Priced:
    """The invoice less the credit notes already issued against it."""
    lines = invoice.lines + tuple(line for note in notes for line in note.lines)
    return Priced(
        invoice.subtotal + sum((n.subtotal for n in notes), Decimal(0)),
        sum_taxes(lines),
        invoice.total + sum((n.total for n in notes), Decimal(0)),
    )


def _credit(
    uow: InvoicingUnitOfWork, invoice: Invoice, units: int, now: datetime,
    policy: InvoicePolicy, actor: str,
) -> None:
    current = net_billed(invoice, uow.credit_notes.for_invoice(invoice.id))
    credit = difference(billed(invoice, units), current)
    number = next_number(uow.invoice_numbers, policy.credit_note_prefix, now, policy)
    undelivered = invoice.billed_quantity - units
    description = f"Credit for {undelivered} undelivered: {invoice.lines[0].description}"
    note = CreditNote(
        id=str(uuid.uuid4()), number=number, invoice_id=invoice.id,
        company_id=invoice.company_id, currency=invoice.currency, subtotal=credit.subtotal,
        tax_total=credit.tax_total, total=credit.total,
        lines=(make_line(description, undelivered, credit, invoice.tax_mode is TaxMode.GST),),
        issued_at=now, reason=f"delivered {units} of {invoice.ordered_quantity}",
    )
    uow.credit_notes.add(note)
    uow.invoices.update(evolve(invoice, billed_quantity=units, updated_at=now))
    uow.invoice_history.record(HistoryEntry(
        invoice.id, now, actor, "credited", invoice.status.value, invoice.status.value,
        current.total, current.total + credit.total, number,
    ))
