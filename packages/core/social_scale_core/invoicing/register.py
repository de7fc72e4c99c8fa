"""The invoice register: one row per invoice and credit note of a period, with the GST
columns an accountant files GSTR-1 from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Protocol

from attrs import frozen

from social_scale_core.errors import ValidationFailed
from social_scale_core.invoicing.model import BillingParty, CreditNote, Invoice
from social_scale_core.ports.uow import UnitOfWork

MAX_ROWS = 100_000  # one request's worth; a longer period is asked for in parts


@frozen
class RegisterEntry:
    """A document of the period as stored: the buyer snapshot, the credited invoice's number."""

    document: Invoice | CreditNote
    buyer: BillingParty
    credited_number: str | None = None


class InvoiceRegisterReader(Protocol):
    """Invoices and credit notes issued in [start, end), by issue time then number."""

    def count(self, start: datetime, end: datetime) -> int: ...

    def entries(self, start: datetime, end: datetime) -> list[RegisterEntry]: ...


class RegisterUnitOfWork(UnitOfWork, Protocol):
    @property
    def invoice_register(self) -> InvoiceRegisterReader: ...


@frozen
class RegisterRow:
    kind: str  # invoice or credit_note
    number: str
    issued_on: date
    buyer: str
    buyer_gstin: str | None
    place_of_supply: str | None
    currency: str
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    total: Decimal
    status: str
    credited_invoice: str | None


def _tax(document: Invoice | CreditNote, name: str) -> Decimal:
    return sum((t.amount for t in document.taxes if t.name == name), Decimal(0))


def register_row(entry: RegisterEntry, now: datetime, zone: tzinfo) -> RegisterRow:
    doc = entry.document
    invoice = isinstance(doc, Invoice)
    return RegisterRow(
        kind="invoice" if invoice else "credit_note", number=doc.number,
        issued_on=doc.issued_at.astimezone(zone).date(),
        buyer=entry.buyer.name, buyer_gstin=entry.buyer.gstin,
        place_of_supply=entry.buyer.gst_state, currency=doc.currency,
        taxable_value=doc.subtotal, cgst=_tax(doc, "CGST"), sgst=_tax(doc, "SGST"),
        igst=_tax(doc, "IGST"), total=doc.total,
        status=doc.status_at(now).value if isinstance(doc, Invoice) else "issued",
        credited_invoice=entry.credited_number)


def invoice_register(uow_factory: Callable[[], RegisterUnitOfWork], start: datetime,
                     end: datetime, now: datetime, zone: tzinfo) -> list[RegisterRow]:
    """The register of [start, end); ValidationFailed when the period is reversed or holds
    more than MAX_ROWS documents (ask for it in parts)."""
    if end <= start:
        raise ValidationFailed.single("to", "the period ends before it starts")
    with uow_factory() as uow:
        if uow.invoice_register.count(start, end) > MAX_ROWS:
            raise ValidationFailed.single(
                "to", f"the period holds more than {MAX_ROWS:,} documents: ask for less")
        entries = uow.invoice_register.entries(start, end)
    return [register_row(e, now, zone) for e in entries]
