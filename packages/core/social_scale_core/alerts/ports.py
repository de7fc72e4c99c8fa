"""Ports of the alerts: their table, the facts conditions are judged from, the notifier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from social_scale_core.alerts.model import Alert, PriceChange
from social_scale_core.delivery.ports import Outbox
from social_scale_core.ports.uow import UnitOfWork


class AlertRepository(Protocol):
    """Alerts; at most one open (unresolved) alert per (kind, subject), enforced by storage."""

    def add(self, alert: Alert) -> None: ...

    def get(self, alert_id: str) -> Alert | None: ...

    def update(self, alert: Alert) -> None: ...

    def open_alerts(self) -> list[Alert]: ...

    def page(self, open_only: bool, limit: int, offset: int) -> tuple[list[Alert], int]:
        """Newest first, and how many match in all."""
        ...

    def unnotified(self, limit: int) -> list[Alert]:
        """Open alerts not yet pushed to the notifier, oldest first."""
        ...

    def mark_notified(self, alert_ids: list[str], at: datetime) -> None: ...


class AlertFacts(Protocol):
    """Read-only facts the conditions are judged from. Subjects are (id, label) pairs."""

    def orders_in_status(self, status: str, changed_since: datetime | None = None,
                         created_before: datetime | None = None) -> list[tuple[str, str]]:
        """Orders in `status`, optionally changed since / created before a time; the label
        names the service and link."""
        ...

    def overdue_invoices(self, now: datetime) -> list[tuple[str, str]]:
        """Unpaid, unvoided invoices past their due date: (number, company and total)."""
        ...

    def spend_since(self, since: datetime, currency: str) -> Decimal:
        """What orders created since then cost (failed ones excluded)."""
        ...

    def open_orders(self) -> int:
        """Placed orders the sync still follows."""
        ...

    def last_panel_success(self) -> datetime | None:
        """When a status call of the sync last succeeded (the integration log)."""
        ...

    def admin_emails(self) -> list[str]: ...


class PriceChangeFeed(Protocol):
    """Significant catalog price changes detected since a time (the catalog's change log)."""

    def significant_since(self, since: datetime) -> Sequence[PriceChange]: ...


class AlertNotifier(Protocol):
    """Pushes a digest of new alerts to the operator's channels; False when it failed."""

    def notify(self, title: str, body: str) -> bool: ...


class AlertsUnitOfWork(UnitOfWork, Protocol):
    @property
    def alerts(self) -> AlertRepository: ...

    @property
    def alert_facts(self) -> AlertFacts: ...

    @property
    def outbox(self) -> Outbox: ...
