"""Sending an invoice: queue its mail in the outbox, in the transaction that marks it sent."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import evolve, frozen

from social_scale_core.delivery.deps import DeliveryPorts
from social_scale_core.delivery.model import Delivery, DeliveryKind
from social_scale_core.delivery.ports import DeliveryUnitOfWork
from social_scale_core.errors import IllegalTransition, NotFound, ValidationFailed
from social_scale_core.invoicing.model import HistoryEntry, Invoice, InvoiceStatus


@frozen
class SendRequest:
    to: str | None = None
    cc: tuple[str, ...] = ()
    message: str | None = None


def new_delivery(ports: DeliveryPorts, kind: DeliveryKind, to: tuple[str, ...], now: datetime,
                 *, cc: tuple[str, ...] = (), invoice_id: str | None = None,
                 alert_id: str | None = None, reminder_step: int | None = None,
                 message: str | None = None) -> Delivery:
    """A queued delivery, due now, with its Message-ID fixed for every attempt."""
    delivery_id = str(uuid.uuid4())
    return Delivery(id=delivery_id, kind=kind, to=to, cc=cc,
                    message_id=f"<{delivery_id}@{ports.settings.domain}>", queued_at=now,
                    next_attempt_at=now, invoice_id=invoice_id, alert_id=alert_id,
                    reminder_step=reminder_step, message=message)


def _recipient(uow: DeliveryUnitOfWork, invoice: Invoice, given: str | None) -> str:
    if given:
        return given
    company = uow.companies.get(invoice.company_id)
    email = (company.details.email if company else None) or invoice.buyer.email
    if not email:
        raise ValidationFailed.single("to", "the company has no email address: say whom to "
                                            "send the invoice to")
    return email


def send_invoice(ports: DeliveryPorts, invoice_id: str, request: SendRequest,
                 actor: str) -> Delivery:
    """Queue the invoice's mail (sent by the background work). A draft becomes `sent`, on
    record; a paid or void invoice is IllegalTransition (409). The recipient defaults to
    the company's email (ValidationFailed naming `to` without one). Commits."""
    now = ports.clock.now()
    with ports.uow() as uow:
        invoice = uow.invoices.get_for_update(invoice_id)
        if invoice is None:
            raise NotFound("No such invoice.")
        if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.VOID):
            raise IllegalTransition(f"A {invoice.status} invoice is not sent to the client.")
        to = _recipient(uow, invoice, request.to)
        delivery = new_delivery(ports, DeliveryKind.INVOICE, (to,), now, cc=request.cc,
                                invoice_id=invoice.id, message=request.message)
        if invoice.status is InvoiceStatus.DRAFT:
            uow.invoices.update(evolve(invoice, status=InvoiceStatus.SENT, updated_at=now))
            uow.invoice_history.record(HistoryEntry(
                invoice.id, now, actor, "status", InvoiceStatus.DRAFT.value,
                InvoiceStatus.SENT.value, invoice.total, invoice.total, f"mailed to {to}"))
        else:
            uow.invoice_history.record(HistoryEntry(invoice.id, now, actor, "mail",
                                                    note=f"mailed to {to}"))
        uow.outbox.add(delivery)
        uow.commit()
    return delivery


def deliveries(ports: DeliveryPorts, invoice_id: str) -> list[Delivery]:
    """The invoice's deliveries, oldest first; NotFound for an unknown invoice."""
    with ports.uow() as uow:
        if uow.invoices.get(invoice_id) is None:
            raise NotFound("No such invoice.")
        return uow.outbox.for_invoice(invoice_id)
