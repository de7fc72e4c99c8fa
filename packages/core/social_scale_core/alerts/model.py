"""Alerts and the conditions that raise them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from attrs import define, frozen


class AlertKind(StrEnum):
    LOW_BALANCE = "low_balance"
    ORDER_UNKNOWN = "order_unknown"
    ORDER_FAILED = "order_failed"
    ORDER_STALLED = "order_stalled"
    SYNC_STALLED = "sync_stalled"
    PRICE_CHANGE = "price_change"
    INVOICE_OVERDUE = "invoice_overdue"


@frozen
class Condition:
    """Something that holds now and deserves an alert; `subject` names what it is about
    (an order id, an invoice number, `panel`), one open alert per (kind, subject)."""

    kind: AlertKind
    subject: str
    message: str


@define
class Alert:
    """Open while `resolved_at` is None; acknowledging keeps it open (the condition still
    holds) but says a person saw it. `notified_at`: pushed to ALERT_URLS."""

    id: str
    kind: AlertKind
    subject: str
    message: str
    opened_at: datetime
    resolved_at: datetime | None = None
    acked_at: datetime | None = None
    notified_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


@frozen
class PriceChange:
    """A significant change of a panel service's rate (from the catalog's change log)."""

    service: int
    name: str
    old: Decimal
    new: Decimal
    percent: Decimal
    detected_at: datetime


@frozen
class AlertThresholds:
    """`balance_below`: a fixed floor; `balance_days`: days of spend at the last 7 days'
    rate; `sync_stall`: no successful panel call for this long while orders are open;
    `order_stall`: `submitting` for this long; failed orders and price changes alert for
    `recent` after they happen."""

    balance_below: Decimal | None = None
    balance_days: Decimal | None = None
    sync_stall_seconds: float = 600.0
    order_stall_seconds: float = 600.0
    recent_seconds: float = 86_400.0
