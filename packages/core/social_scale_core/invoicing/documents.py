"""The invoice as a document the client receives (rendered by an InvoiceRenderer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from attrs import frozen

from social_scale_core.errors import NotFound
from social_scale_core.invoicing.lifecycle import get_invoice
from social_scale_core.invoicing.numbering import file_name
from social_scale_core.invoicing.ports import InvoiceRenderer, InvoicingUnitOfWork


@frozen
class RenderedInvoice:
    file_name: str
    content: bytes


def invoice_pdf(
    uow_factory: Callable[[], InvoicingUnitOfWork], renderer: InvoiceRenderer, invoice_id: str,
    now: datetime,
) -> RenderedInvoice:
    """The invoice's PDF and a download name such as `SS-26-27-000001.pdf`; NotFound if none.
    A credit note's id gives the credit note's own PDF (`CN-26-27-000001.pdf`)."""
    with uow_factory() as uow:
        note = uow.credit_notes.get(invoice_id)
        credited = uow.invoices.get(note.invoice_id) if note else None
    if note is not None:
        if credited is None:
            raise NotFound("No such invoice.")
        return RenderedInvoice(file_name(note.number),
                               renderer.render_credit_note(note, credited, now))
    view = get_invoice(uow_factory, invoice_id)
    content = renderer.render(view.invoice, view.credit_notes, now)
    return RenderedInvoice(file_name(view.invoice.number), content)
