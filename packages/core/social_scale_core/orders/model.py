"""The order entity and its lifecycle: which status may follow which.

    submitting ──> pending ──> awaiting / processing / in_progress ──> completed
        │   │         │                  │                          ──> partial
        │   │         └──── canceling <──┘ (a cancel the panel took) ──> canceled
        │   └──> failed                   └──> canceled / partial / completed / failed
        └──> unknown ──> pending (apiOrderId found on the panel)    ──> failed
                    └──> failed
Open states only move forward: pending, then awaiting / processing / in_progress (one
rank: they move freely among themselves), never back to pending; a panel answer that
would move an order back keeps the furthest state (its raw text is still recorded).
`canceling` (the panel accepted a cancel request, the money is not back yet) waits for
the panel's verdict: canceled, partial or completed (or failed); open answers keep it.
A final state (completed, partial, canceled, failed) never changes again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from attrs import define, frozen

from social_scale_core.errors import IllegalTransition
from social_scale_core.panel.provider import (
    CANCEL_VERDICTS,
    FINAL_STATUSES,
    OrderStatus,
    PanelOrder,
)

# How far a working order has got; a move to a lower rank is a move backwards.
_RANK = {OrderStatus.PENDING: 0, OrderStatus.AWAITING: 1, OrderStatus.PROCESSING: 1,
         OrderStatus.IN_PROGRESS: 1}


def _onwards(status: OrderStatus) -> frozenset[OrderStatus]:
    ahead = {s for s, rank in _RANK.items() if rank >= _RANK[status]}
    return frozenset(ahead | {OrderStatus.CANCELING} | FINAL_STATUSES)


_NEXT: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.SUBMITTING: frozenset(
        {OrderStatus.PENDING, OrderStatus.UNKNOWN, OrderStatus.FAILED}
    ),
    OrderStatus.UNKNOWN: frozenset({OrderStatus.PENDING, OrderStatus.FAILED}),
    **{status: _onwards(status) for status in _RANK},
    OrderStatus.CANCELING: CANCEL_VERDICTS,
    **{status: frozenset() for status in FINAL_STATUSES},
}
# Refill statuses after which the panel's answer no longer changes.
_FINAL_REFILL = frozenset({"completed", "complete", "rejected", "canceled", "cancelled",
                           "error", "fail", "failed", "refunded"})


def new_order_id() -> str:
    return str(uuid.uuid4())


def can_move(current: OrderStatus, new: OrderStatus) -> bool:
    """True when the lifecycle allows `current -> new` (staying put is always allowed)."""
    return new == current or new in _NEXT[current]


def refill_is_final(raw: str | None) -> bool:
    key = "".join(ch for ch in (raw or "").casefold() if "a" <= ch <= "z")
    return key in _FINAL_REFILL


class Source(StrEnum):
    """How the order came to us: placed through our API, or recorded by hand."""

    API = "api"
    MANUAL = "manual"


@frozen
class StatusChange:
    """One change of an order's status, as recorded when it was saved (the timeline)."""

    old: OrderStatus
    new: OrderStatus
    provider_status: str | None
    at: datetime


@frozen
class OrderParams:
    """The type-specific `add` parameters (FAMPAGE_API.md), kept as sent."""

    runs: int | None = None
    interval: int | None = None
    comments: str | None = None
    usernames: str | None = None
    hashtags: str | None = None
    username: str | None = None
    media: str | None = None
    answer_number: str | None = None
    keywords: str | None = None


@frozen
class ServiceInfo:
    """The catalog entry the order was priced from (a snapshot: the catalog changes)."""

    service_id: int
    name: str
    type: str
    network: str
    rate: Decimal


@define
class Order:
    """One order. `cost` = rate x units / 1000 as priced; `charge` = what the panel reports.
    `allow_below_cost`: the order asked to be invoiced below the multiplier floor.

    `idempotency_key` + `request_fingerprint` make repeats return this order; `error_code`
    and `error_message` keep why it failed (or was left unknown) so a repeat says the same.
    """

    id: str
    company_id: str
    provider_id: str | None
    service: ServiceInfo
    link: str
    target_key: str
    quantity: int
    params: OrderParams
    cost: Decimal
    currency: str
    status: OrderStatus
    source: Source
    created_at: datetime
    updated_at: datetime
    api_order_id: int | None = None
    charge: Decimal | None = None
    provider_status: str | None = None
    start_count: int | None = None
    remains: int | None = None
    invoice_multiplier: Decimal | None = None
    allow_below_cost: bool = False  # invoiced below INVOICE_MIN_MULTIPLIER on purpose
    invoice_id: str | None = None
    idempotency_key: str | None = None
    request_fingerprint: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    refill_id: str | None = None
    refill_status: str | None = None
    completed_at: datetime | None = None
    last_checked_at: datetime | None = None

    @property
    def units(self) -> int:
        """Units delivered in all: quantity per run x runs for drip-feed orders."""
        return self.quantity * (self.params.runs or 1)

    def move_to(self, status: OrderStatus, now: datetime) -> bool:
        """Change status if the lifecycle allows it (IllegalTransition otherwise).

        Returns True when the order has just reached a final state.
        """
        if not can_move(self.status, status):
            raise IllegalTransition(
                f"An order cannot go from {self.status.value} to {status.value}."
            )
        if status == self.status:
            return False
        self.status = status
        self.updated_at = now
        if status.is_final:
            self.completed_at = now
            return True
        return False

    def apply_panel(self, panel: PanelOrder, now: datetime) -> bool:
        """Take the panel's report. Numbers and the raw status always refresh; the status
        only moves where the lifecycle allows (never backwards, never out of a final
        state, out of `canceling` only to a verdict). True if it has just become final."""
        self.provider_status = panel.raw_status
        if panel.charge is not None:
            self.charge = panel.charge
        if panel.start_count is not None:
            self.start_count = panel.start_count
        if panel.remains is not None:
            self.remains = panel.remains
        self.last_checked_at = self.updated_at = now
        if can_move(self.status, panel.status):
            return self.move_to(panel.status, now)
        return False
