"""Deliveries (rows of the outbox) and the mails they become."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import define, frozen


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first attempt or for a retry
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; `error` says the last reason


class DeliveryKind(StrEnum):
    INVOICE = "invoice"
    REMINDER = "reminder"
    ALERT = "alert"


@define
class Delivery:
    """One mail to send. `message_id` is fixed when it is queued, so a retry after a crash
    carries the same Message-ID and the receiving side can tell it is the same mail.
    `next_attempt_at` is when it may be tried (next); a claimed delivery has it moved
    forward by a lease, so a crash mid-send makes it due again once the lease ends."""

    id: str
    kind: DeliveryKind
    to: tuple[str, ...]
    cc: tuple[str, ...]
    message_id: str
    queued_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.QUEUED
    invoice_id: str | None = None
    alert_id: str | None = None
    reminder_step: int | None = None  # days after the due date, for reminders
    message: str | None = None  # the sender's own words, added to the mail
    attempts: int = 0
    sent_at: datetime | None = None
    error: str | None = None


@frozen
class Attachment:
    filename: str
    content_type: str
    data: bytes


@frozen
class OutgoingMail:
    """A complete mail: plain text and HTML alternatives, attachments, a fixed Message-ID."""

    to: tuple[str, ...]
    subject: str
    text: str
    message_id: str
    cc: tuple[str, ...] = ()
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
