"""The invoice as a document the client receives (rendered by an InvoiceRenderer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from attrs import frozen

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
    """The invoice's PDF and a download name such as `SS-26-27-000001.pdf`; NotFound if none."""
    view = get_invoice(uow_factory, invoice_id)
    content = renderer.render(view.invoice, view.credit_notes, now)
    return RenderedInvoice(file_name(view.invoice.number), content)
