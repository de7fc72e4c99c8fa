"""Delivery collaborators from the settings: the mail transport and the outbox policy."""

from __future__ import annotations

from social_scale_adapters.auth.mail import BackgroundMailer
from social_scale_core.auth.ports import Mailer
from social_scale_core.delivery.deps import DeliverySettings
from social_scale_core.delivery.ports import MailTransport
from social_scale_core.invoicing.model import InvoicePolicy

from social_scale_wiring.alert_wiring import mail_domain
from social_scale_wiring.invoice_policy import payment_details
from social_scale_wiring.settings import Settings


def build_transport(mailer: Mailer) -> MailTransport:
    """The outbox sends through the same mailer as the auth mails (same SMTP and TLS
    rules), but directly: the outbox is its queue, and it must know whether a mail went."""
    inner = mailer.inner if isinstance(mailer, BackgroundMailer) else mailer
    if not hasattr(inner, "deliver"):
        raise TypeError(f"{type(inner).__name__} cannot deliver outbox mails")
    return inner  # type: ignore[return-value]


def build_delivery_settings(settings: Settings, policy: InvoicePolicy) -> DeliverySettings:
    return DeliverySettings(
        domain=mail_domain(settings), max_attempts=settings.outbox_max_attempts,
        retry_base=settings.outbox_retry_base, payment=payment_details(settings),
        timezone=policy.timezone, reminder_days=tuple(settings.invoice_reminder_days),
    )
