"""What the SMM panel (Fampage) sells and tells: services, order statuses, balances.

Every amount is a Decimal with the currency the panel reported beside it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from attrs import frozen


class OrderStatus(StrEnum):
    """Our one status vocabulary for orders (API.md); panel spellings map onto it."""

    PENDING = "pending"
    SUBMITTING = "submitting"  # recorded, `add` not yet answered
    UNKNOWN = "unknown"  # `add` was sent, its answer never arrived: needs review
    IN_PROGRESS = "in_progress"
    PROCESSING = "processing"
    AWAITING = "awaiting"
    CANCELING = "canceling"  # the panel accepted our cancel request; its verdict is due
    COMPLETED = "completed"
    PARTIAL = "partial"
    CANCELED = "canceled"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES

    @property
    def is_open(self) -> bool:
        """Placed at the panel and not finished: the background sync follows these."""
        return self in OPEN_STATUSES


FINAL_STATUSES = frozenset(
    {OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED, OrderStatus.FAILED}
)
OPEN_STATUSES = frozenset(
    {OrderStatus.PENDING, OrderStatus.IN_PROGRESS, OrderStatus.PROCESSING, OrderStatus.AWAITING,
     OrderStatus.CANCELING}
)
# The outcomes the panel may give a cancel it accepted (FAMPAGE_API.md: the money comes
# back with Canceled or Partial; an order it finished first ends Completed).
CANCEL_VERDICTS = frozenset(
    {OrderStatus.CANCELED, OrderStatus.PARTIAL, OrderStatus.COMPLETED, OrderStatus.FAILED}
)

# Panel spellings, reduced to lowercase letters only ("In progress" -> "inprogress").
_PANEL_STATUSES: dict[str, OrderStatus] = {
    "pending": OrderStatus.PENDING,
    "inprogress": OrderStatus.IN_PROGRESS,
    "processing": OrderStatus.PROCESSING,
    "awaiting": OrderStatus.AWAITING,
    "completed": OrderStatus.COMPLETED,
    "complete": OrderStatus.COMPLETED,
    "partial": OrderStatus.PARTIAL,
    "partiallycompleted": OrderStatus.PARTIAL,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "refunded": OrderStatus.CANCELED,
    "fail": OrderStatus.FAILED,
    "failed": OrderStatus.FAILED,
    "error": OrderStatus.FAILED,
}
# An unknown spelling must never close an order (no refund, no "done"): keep following it.
UNKNOWN_PANEL_STATUS = OrderStatus.PROCESSING


def status_from_panel(raw: str) -> OrderStatus:
    """Map any panel spelling of an order status to ours (keep `raw` beside it).

    Unknown spellings give a non-final status, so the order stays open and is synced again.
    """
    key = "".join(ch for ch in str(raw).casefold() if "a" <= ch <= "z")
    return _PANEL_STATUSES.get(key, UNKNOWN_PANEL_STATUS)


@frozen
class Service:
    """One entry of the panel's catalog; `rate` is the price per 1000 units."""

    service_id: int
    name: str
    type: str
    category: str
    network: str
    rate: Decimal
    min: int
    max: int
    refill: bool
    cancel: bool
    currency: str


@frozen
class AddRequest:
    """Parameters of the panel's `add` action; only those a service type needs are set."""

    service: int
    link: str
    quantity: int | None = None
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
class PanelOrder:
    """The panel's view of one order (`status` action)."""

    order_id: int
    status: OrderStatus
    raw_status: str
    charge: Decimal | None
    start_count: int | None
    remains: int | None
    currency: str | None


@frozen
class PanelOrderError:
    """The panel's answer for an id it could not report on (e.g. "Incorrect order ID")."""

    order_id: int
    message: str


@frozen
class Balance:
    amount: Decimal
    currency: str


@frozen
class CancelResult:
    """Whether the panel accepted a cancel request (money returns only with a later status)."""

    order_id: int
    accepted: bool
    message: str | None = None


@frozen
class ProviderCall:
    """One call to the panel, as the integration log keeps it (the API key never included)."""

    action: str
    request: dict[str, str]
    response: str | None
    status_code: int | None
    duration_ms: int
    success: bool
    error: str | None
    started_at: datetime
