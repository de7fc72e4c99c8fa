"""Reminders of overdue invoices: one mail per step of INVOICE_REMINDER_DAYS, on record."""

from __future__ import annotations

import logging
from datetime import datetime

from social_scale_core.delivery.deps import DeliveryPorts
from social_scale_core.delivery.model import DeliveryKind
from social_scale_core.delivery.ports import DeliveryUnitOfWork
from social_scale_core.delivery.send import new_delivery
from social_scale_core.errors import Conflict
from social_scale_core.invoicing.model import HistoryEntry, Invoice, InvoiceStatus
from social_scale_core.invoicing.ports import InvoiceFilter

log = logging.getLogger("social_scale.delivery")
PAGE = 200
ACTOR = "system"


def due_step(invoice: Invoice, now: datetime, days: tuple[int, ...],
             done: set[int]) -> int | None:
    """The step to send now: the largest one reached, unless it (or a later one) was sent.
    An invoice first seen 8 days late with steps 3,7,14 gets the 7-day reminder only."""
    late = (now - invoice.due_at).days
    reached = [d for d in days if d <= late]
    if not reached or any(s >= max(reached) for s in done):
        return None
    return max(reached)


def _remind(ports: DeliveryPorts, uow: DeliveryUnitOfWork, invoice: Invoice,
            now: datetime) -> bool:
    step = due_step(invoice, now, ports.settings.reminder_days,
                    uow.outbox.reminder_steps(invoice.id))
    if step is None:
        return False
    company = uow.companies.get(invoice.company_id)
    to = (company.details.email if company else None) or invoice.buyer.email
    if not to:
        log.warning("reminder_without_address invoice=%s", invoice.number)
        return False
    try:
        uow.outbox.add(new_delivery(ports, DeliveryKind.REMINDER, (to,), now,
                                    invoice_id=invoice.id, reminder_step=step))
    except Conflict:
        return False  # another worker queued this step first
    uow.invoice_history.record(HistoryEntry(invoice.id, now, ACTOR, "reminder",
                                            note=f"{step} days after due, to {to}"))
    return True


def queue_reminders(ports: DeliveryPorts) -> int:
    """Queue the reminders due now for every overdue invoice; returns how many. Commits
    page by page. Nothing when INVOICE_REMINDER_DAYS is empty."""
    if not ports.settings.reminder_days:
        return 0
    now, queued, offset = ports.clock.now(), 0, 0
    while True:
        with ports.uow() as uow:
            page, _ = uow.invoices.list(InvoiceFilter(now, status=InvoiceStatus.OVERDUE,
                                                      limit=PAGE, offset=offset))
            queued += sum(_remind(ports, uow, invoice, now) for invoice in page)
            uow.commit()
        if len(page) < PAGE:
            return queued
        offset += PAGE
