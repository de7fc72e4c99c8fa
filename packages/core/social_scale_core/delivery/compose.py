"""The words of the mails: an invoice, a reminder (plain text and HTML, the PDF attached)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from social_scale_core.delivery.deps import DeliverySettings
from social_scale_core.delivery.model import Attachment, Delivery, DeliveryKind, OutgoingMail
from social_scale_core.invoicing.documents import RenderedInvoice
from social_scale_core.invoicing.figures import format_money
from social_scale_core.invoicing.lifecycle import InvoiceView
from social_scale_core.invoicing.payment import upi_url
from social_scale_core.invoicing.words import amount_in_words


def _facts(view: InvoiceView, settings: DeliverySettings) -> list[tuple[str, str]]:
    invoice = view.invoice
    due = invoice.total + sum(n.total for n in view.credit_notes)
    day = invoice.due_at.astimezone(settings.timezone).strftime("%d %b %Y")
    facts = [("Invoice no.", invoice.number), ("Amount due", format_money(due, invoice.currency)),
             ("In words", amount_in_words(due, invoice.currency)), ("Due date", day)]
    payment = settings.payment
    facts += payment.pairs()
    if payment.upi_id and invoice.currency == "INR" and due > 0:
        facts.append(("Pay by UPI", upi_url(payment.upi_id, invoice.seller.name, due,
                                            invoice.number)))
    return facts


def _opening(delivery: Delivery, view: InvoiceView, now: datetime) -> tuple[str, str]:
    invoice = view.invoice
    seller = invoice.seller.name
    if delivery.kind is DeliveryKind.REMINDER:
        late = max(0, (now - invoice.due_at).days)
        return (f"Reminder: invoice {invoice.number} from {seller} is overdue",
                f"Invoice {invoice.number} was due {late} days ago and is still unpaid. "
                "If you have paid it already, thank you, and please ignore this reminder.")
    return (f"Invoice {invoice.number} from {seller}",
            f"Please find attached invoice {invoice.number} from {seller}.")


def invoice_mail(delivery: Delivery, view: InvoiceView, pdf: RenderedInvoice,
                 settings: DeliverySettings, now: datetime) -> OutgoingMail:
    """The mail of an invoice send or reminder: facts, payment details, the PDF attached."""
    subject, opening = _opening(delivery, view, now)
    facts = _facts(view, settings)
    note = delivery.message or ""
    text = "\n".join([opening, "", *([note, ""] if note else []),
                      *(f"{k}: {v}" for k, v in facts), "",
                      f"Please quote {view.invoice.number} with your payment.",
                      "", view.invoice.seller.name])
    rows = "".join(f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                   for k, v in facts)
    html = (f"<html><body><p>{escape(opening)}</p>"
            + (f"<p>{escape(note)}</p>" if note else "")
            + f"<table>{rows}</table><p>Please quote {escape(view.invoice.number)} with your "
              f"payment.</p><p>{escape(view.invoice.seller.name)}</p></body></html>")
    return OutgoingMail(to=delivery.to, cc=delivery.cc, subject=subject, text=text, html=html,
                        message_id=delivery.message_id,
                        attachments=(Attachment(pdf.file_name, "application/pdf", pdf.content),))


def alert_mail(delivery: Delivery) -> OutgoingMail:
    """An alert digest: the delivery's message is the subject line, a blank line, the body."""
    subject, _, body = (delivery.message or "[Social Scale] alert").partition("\n\n")
    return OutgoingMail(to=delivery.to, cc=delivery.cc, subject=subject, text=body or subject,
                        message_id=delivery.message_id)
