"""The periodic jobs of the background round besides the order sync, one small function
each (issue 15's catalog refresh, issue 16's reminders, alerts and outbox)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from social_scale_core.alerts.raising import raise_alerts
from social_scale_core.auth.housekeeping import purge_spent
from social_scale_core.delivery.drain import drain_outbox
from social_scale_core.delivery.reminders import queue_reminders
from social_scale_core.errors import ProviderError
from social_scale_core.panel.catalog import refresh_if_due
from social_scale_wiring.container import Container

log = structlog.get_logger("social_scale.background")

PURGE_EVERY = timedelta(hours=1)


def catalog_step(container: Container) -> Callable[[], None]:
    """The round's catalog step (issue 15): refresh the stored catalog when CATALOG_REFRESH
    has passed; a failing panel is recorded (the copy turns stale) and retried later."""
    ports = container.catalog_ports()

    def refresh_catalog_if_due() -> None:
        try:
            refresh_if_due(ports)
        except ProviderError as exc:
            log.warning("catalog_refresh_failed", error=str(exc))

    return refresh_catalog_if_due


def deliver_outbox(container: Container) -> int:
    """Round step: send the invoice mails, reminders and alert mails that are due."""
    return drain_outbox(container.delivery_ports())


def send_reminders(container: Container) -> int:
    """Round step: queue the reminders of overdue invoices (INVOICE_REMINDER_DAYS)."""
    return queue_reminders(container.delivery_ports())


def check_alerts(container: Container) -> int:
    """Round step: open and resolve operator alerts; mail and push the new ones."""
    return len(raise_alerts(container.alert_ports()))


def purge_step(container: Container) -> Callable[[], int | None]:
    """The round's housekeeping step, at most once per PURGE_EVERY: delete the expired
    refresh-token families, reset tokens and rate-limit buckets (`purge_spent`). Returns
    how many rows went, None when it was not due."""
    ports, clock = container.auth(), container.clock()
    due: list[datetime] = []

    def purge_if_due() -> int | None:
        now = clock.now()
        if due and now < due[0]:
            return None
        due[:] = [now + PURGE_EVERY]
        purged = purge_spent(ports)
        if purged.total:
            log.info("auth_tables_purged", refresh_tokens=purged.refresh_tokens,
                     reset_tokens=purged.reset_tokens,
                     rate_limit_buckets=purged.rate_limit_buckets)
        return purged.total

    return purge_if_due
