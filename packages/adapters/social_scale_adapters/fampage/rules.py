"""The panel's rules for `add` and its error messages, shared by the simulator and test fakes."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from attrs import frozen
from social_scale_core.money import order_cost

Variant = Literal["fampage", "standard"]

INVALID_KEY = "Invalid API key"
INCORRECT_REQUEST = "Incorrect request"
INCORRECT_SERVICE = "Incorrect service ID"
INCORRECT_ORDER = "Incorrect order ID"
INCORRECT_REFILL = "Incorrect refill ID"
BAD_LINK = "Incorrect link"
QUANTITY_MIN = "Quantity less than minimal {}"
QUANTITY_MAX = "Quantity more than maximal {}"
BAD_DRIP_FEED = "Incorrect runs or interval"
NO_COMMENTS = "Comments are required for this service"
REFILL_DISABLED = "Refill is disabled for this service"
REFILL_NOT_NOW = "Refill is not available for this order"
REFILL_NOT_DONE = "Refill is available only for completed or partial orders"
REFILL_PENDING = "A refill for this order is already pending"
CANCEL_DISABLED = "Cancel is disabled for this service"
TOO_MANY_IDS = "Maximum 100 orders per request"
MAX_IDS = 100


def funds_message(variant: Variant) -> str:
    """Fampage says `insufficient_funds`; panels of the standard script say it in words."""
    return "insufficient_funds" if variant == "fampage" else "Not enough funds on balance"


class PanelRefusal(Exception):
    """The panel's `{"error": message}` answer (a simulator raises it, a fake maps it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@frozen
class Priced:
    """An accepted `add`: units to deliver in all and the exact charge."""

    quantity: int
    charge: Decimal


def check_link(link: str | None) -> str:
    text = (link or "").strip()
    if not text or any(ch.isspace() for ch in text) or len(text) > 2000:
        raise PanelRefusal(BAD_LINK)
    return text


def _quantity(service_type: str, quantity: int | None, comments: str | None, least: int) -> int:
    if service_type == "Custom Comments":
        lines = [line for line in (comments or "").splitlines() if line.strip()]
        if not lines:
            raise PanelRefusal(NO_COMMENTS)
        return len(lines)
    if quantity is None and service_type.startswith("Package"):
        return least  # packages are sold whole: the panel fills the quantity in
    if quantity is None:
        raise PanelRefusal(QUANTITY_MIN.format(least))
    return quantity


def price_add(
    *,
    service_type: str,
    rate: Decimal,
    least: int,
    most: int,
    quantity: int | None,
    comments: str | None = None,
    runs: int | None = None,
    interval: int | None = None,
) -> Priced:
    """Check quantity (per run for drip-feed) against min..max; charge = rate x total / 1000."""
    per_run = _quantity(service_type, quantity, comments, least)
    if per_run < least:
        raise PanelRefusal(QUANTITY_MIN.format(least))
    if per_run > most:
        raise PanelRefusal(QUANTITY_MAX.format(most))
    if (runs is None) != (interval is None) or (runs is not None and runs < 1) or (
        interval is not None and interval < 1
    ):
        raise PanelRefusal(BAD_DRIP_FEED)
    total = per_run * (runs or 1)
    return Priced(total, order_cost(rate, total))
