"""Draining the outbox: claim due deliveries, compose, send, record; retry with backoff."""

from __future__ import annotations

import logging
from datetime import datetime

from attrs import evolve

from social_scale_core.delivery.compose import alert_mail, invoice_mail
from social_scale_core.delivery.deps import DeliveryPorts
from social_scale_core.delivery.model import Delivery, DeliveryKind, DeliveryStatus, OutgoingMail
from social_scale_core.errors import MailNotSent, NotFound
from social_scale_core.invoicing.documents import invoice_pdf
from social_scale_core.invoicing.lifecycle import get_invoice

log = logging.getLogger("social_scale.delivery")


class Undeliverable(Exception):
    """The delivery can never be sent (its invoice is gone): failed without retries."""


def compose(ports: DeliveryPorts, delivery: Delivery, now: datetime) -> OutgoingMail:
    if delivery.kind is DeliveryKind.ALERT:
        return alert_mail(delivery)
    if delivery.invoice_id is None:
        raise Undeliverable(f"a {delivery.kind} delivery without an invoice")
    try:
        view = get_invoice(ports.uow, delivery.invoice_id)
        pdf = invoice_pdf(ports.uow, ports.renderer, delivery.invoice_id, now)
    except NotFound as exc:
        raise Undeliverable("the invoice no longer exists") from exc
    return invoice_mail(delivery, view, pdf, ports.settings, now)


def _after_failure(ports: DeliveryPorts, delivery: Delivery, error: str, now: datetime,
                   final: bool) -> Delivery:
    s = ports.settings
    if final or delivery.attempts >= s.max_attempts:
        return evolve(delivery, status=DeliveryStatus.FAILED, error=error)
    wait = min(s.retry_max, s.retry_base * 2 ** (delivery.attempts - 1))
    return evolve(delivery, next_attempt_at=now + wait, error=error)


def attempt(ports: DeliveryPorts, delivery: Delivery) -> Delivery:
    """One attempt at a claimed delivery; records the outcome and returns it."""
    now = ports.clock.now()
    try:
        ports.transport.deliver(compose(ports, delivery, now))
        outcome = evolve(delivery, status=DeliveryStatus.SENT, sent_at=ports.clock.now(),
                         error=None)
    except MailNotSent as exc:
        outcome = _after_failure(ports, delivery, str(exc), now, final=False)
    except Undeliverable as exc:
        outcome = _after_failure(ports, delivery, str(exc), now, final=True)
    with ports.uow() as uow:
        uow.outbox.update(outcome)
        uow.commit()
    log.info("delivery_%s id=%s kind=%s attempts=%d", outcome.status, outcome.id,
             outcome.kind, outcome.attempts)
    return outcome


def drain_outbox(ports: DeliveryPorts) -> int:
    """Send every delivery due now, a batch at a time; returns how many were attempted.

    Each batch is claimed (leased, its attempt counted) and committed before any mail
    leaves, so a crash mid-send neither loses a mail (it is due again when the lease
    ends) nor sends it under a new Message-ID."""
    total = 0
    while True:
        now = ports.clock.now()
        with ports.uow() as uow:
            batch = uow.outbox.claim_due(now, ports.settings.batch, now + ports.settings.lease)
            uow.commit()
        for delivery in batch:
            attempt(ports, delivery)
        total += len(batch)
        if len(batch) < ports.settings.batch:
            return total
