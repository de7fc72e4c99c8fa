"""What the delivery use cases need: storage, clock, mail transport, renderer, settings."""

from __future__ import annotations

from datetime import timedelta, tzinfo

from attrs import field, frozen

from social_scale_core.clock import Clock
from social_scale_core.delivery.ports import DeliveryUowFactory, MailTransport
from social_scale_core.invoicing.model import IST
from social_scale_core.invoicing.payment import PaymentDetails
from social_scale_core.invoicing.ports import InvoiceRenderer


@frozen
class DeliverySettings:
    """`domain` names Message-IDs (`<id@domain>`); a failed attempt waits `retry_base`,
    doubled after each further failure, until `max_attempts` failed; a claim leases a
    delivery for `lease` (a crash mid-send makes it due again after that)."""

    domain: str = "socialscale.local"
    max_attempts: int = 5
    retry_base: timedelta = timedelta(minutes=1)
    retry_max: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)
    batch: int = 20
    payment: PaymentDetails = field(factory=PaymentDetails)
    timezone: tzinfo = IST
    reminder_days: tuple[int, ...] = ()


@frozen
class DeliveryPorts:
    uow: DeliveryUowFactory
    clock: Clock
    transport: MailTransport
    renderer: InvoiceRenderer
    settings: DeliverySettings = field(factory=DeliverySettings)
