"""Ports of delivery: the outbox table and the mail transport."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from social_scale_core.companies.ports import CompanyRepository
from social_scale_core.delivery.model import Delivery, OutgoingMail
from social_scale_core.invoicing.ports import InvoicingUnitOfWork


class Outbox(Protocol):
    """Deliveries, written in the same transaction as what caused them (never lost)."""

    def add(self, delivery: Delivery) -> None:
        """Store a new delivery; raise Conflict for a second reminder of the same step of
        the same invoice."""
        ...

    def for_invoice(self, invoice_id: str) -> list[Delivery]:
        """The invoice's deliveries (sends and reminders), oldest first."""
        ...

    def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[Delivery]:
        """Up to `limit` queued deliveries due at `now` (oldest first), each counted as one
        more attempt and leased: their `next_attempt_at` becomes `lease_until`. Concurrent
        claims never return the same delivery (FOR UPDATE SKIP LOCKED on PostgreSQL; the
        write lock on SQLite). The caller commits to make the lease visible."""
        ...

    def update(self, delivery: Delivery) -> None:
        """Save status, attempts, times and error."""
        ...

    def reminder_steps(self, invoice_id: str) -> set[int]:
        """The reminder steps (days after due) already queued for the invoice."""
        ...


class MailTransport(Protocol):
    """Hands a mail to the mail server; raises MailNotSent when it did not take it."""

    def deliver(self, mail: OutgoingMail) -> None: ...


class DeliveryUnitOfWork(InvoicingUnitOfWork, Protocol):
    @property
    def outbox(self) -> Outbox: ...

    @property
    def companies(self) -> CompanyRepository: ...


DeliveryUowFactory = Callable[[], DeliveryUnitOfWork]
