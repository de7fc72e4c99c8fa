"""What a new order asks for, and its checks against the service before the panel is called."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal

from attrs import asdict, field, fields, frozen

from social_scale_core.errors import FieldError, ValidationFailed
from social_scale_core.money import order_cost
from social_scale_core.orders.links import BadLink, check_link, normalise_link
from social_scale_core.orders.model import OrderParams
from social_scale_core.panel.provider import AddRequest, Service

COMMENTS_TYPES = frozenset({"Custom Comments", "Custom Comments Package"})
# The extra parameters each known service type needs (the SMM panel API v2 convention).
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "Default": (),
    "Package": (),
    "Package Regular": (),
    "Custom Comments": ("comments",),
    "Custom Comments Package": ("comments",),
    "Mentions": ("usernames",),
    "Mentions Custom List": ("usernames",),
    "Mentions with Hashtags": ("usernames", "hashtags"),
    "Mentions Hashtag": ("hashtags",),
    "Mentions User Followers": ("username",),
    "Mentions Media Likers": ("media",),
    "Comment Likes": ("username",),
    "Poll": ("answer_number",),
    "SEO": ("keywords",),
}
TYPED = ("comments", "usernames", "hashtags", "username", "media", "answer_number", "keywords")
DRIP_FEED_TYPES = frozenset({"Default"})
MONEY_PLACES = 8  # the storage's exact precision; a cost needing more is refused up front


def api_name(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


@frozen
class OrderDraft:
    """The request to place an order (API field names in snake_case)."""

    company_id: str
    service: int
    link: str
    quantity: int
    invoice_multiplier: Decimal | None = None
    params: OrderParams = field(factory=OrderParams)
    allow_below_cost: bool = False  # invoice below INVOICE_MIN_MULTIPLIER on purpose

    def fingerprint(self, scope: str, *extra: object) -> str:
        """A digest of everything the request asked for: a repeat must match it exactly."""
        data = {**asdict(self, recurse=True), "scope": scope, "extra": [str(x) for x in extra]}
        canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@frozen
class CheckedOrder:
    """A draft that passed every check: what to send and what it costs."""

    add: AddRequest
    link: str
    units: int
    cost: Decimal


def comment_lines(comments: str | None) -> list[str]:
    return [line for line in (comments or "").splitlines() if line.strip()]


def _check_typed(service: Service, params: OrderParams, errors: list[FieldError]) -> None:
    needed = TYPE_FIELDS.get(service.type)
    for name in TYPED:
        value = getattr(params, name)
        present = value is not None and str(value).strip() != ""
        if needed is not None and name in needed and not present:
            errors.append(FieldError(api_name(name), f"is required for {service.type} services"))
        elif needed is not None and name not in needed and present:
            errors.append(FieldError(api_name(name), f"is not used by {service.type} services"))


def _check_comments(draft: OrderDraft, errors: list[FieldError]) -> None:
    lines = comment_lines(draft.params.comments)
    if lines and len(lines) != draft.quantity:
        errors.append(FieldError(
            "comments", f"has {len(lines)} comment lines; the quantity is {draft.quantity}"
        ))


def _check_quantity(draft: OrderDraft, service: Service, errors: list[FieldError]) -> None:
    runs, interval = draft.params.runs, draft.params.interval
    if runs is None and interval is None:
        if not service.min <= draft.quantity <= service.max:
            errors.append(FieldError(
                "quantity", f"must be between {service.min} and {service.max} for this service"
            ))
        return
    if service.type not in DRIP_FEED_TYPES and service.type in TYPE_FIELDS:
        errors.append(FieldError("runs", f"drip-feed is not offered for {service.type} services"))
        return
    if runs is None or runs < 2:
        errors.append(FieldError("runs", "must be at least 2 for a drip-feed order"))
    if interval is None or interval < 1:
        errors.append(FieldError("interval", "must be at least 1 (minutes) for a drip-feed order"))
    if runs is not None and runs >= 2 and not (
        draft.quantity >= service.min and draft.quantity * runs <= service.max
    ):
        errors.append(FieldError("quantity", (
            f"each run must be at least {service.min} and runs x quantity at most "
            f"{service.max} for this service"
        )))


def _link(link: str, service: Service | None, errors: list[FieldError]) -> str:
    """The link as sent: a public http(s) URL, of the service's network when known."""
    try:
        return normalise_link(link) if service is None else check_link(link, service.network)
    except BadLink as exc:
        errors.append(FieldError("link", str(exc)))
        return link


def _cost(service: Service, units: int, errors: list[FieldError]) -> Decimal:
    cost = order_cost(service.rate, units)
    exponent = cost.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MONEY_PLACES:
        errors.append(FieldError("service", "its rate has more decimals than can be stored"))
    return cost


def check_draft(draft: OrderDraft, service: Service | None,
                removed_at: datetime | None = None) -> CheckedOrder:
    """Every check that can be made without the panel; ValidationFailed naming each field.

    `removed_at`: when the panel stopped listing the service (new orders are refused).
    """
    errors: list[FieldError] = []
    link = _link(draft.link, service, errors)
    if draft.quantity < 1:
        errors.append(FieldError("quantity", "must be at least 1"))
    if service is None or removed_at is not None:
        errors.append(_unknown_service(draft.service, removed_at))
        raise ValidationFailed(errors)
    _check_typed(service, draft.params, errors)
    if service.type in COMMENTS_TYPES:
        _check_comments(draft, errors)
    _check_quantity(draft, service, errors)
    units = draft.quantity * (draft.params.runs or 1)
    cost = _cost(service, units, errors)
    if errors:
        raise ValidationFailed(errors)
    return CheckedOrder(add=_add_request(draft, service, link), link=link, units=units, cost=cost)


def _unknown_service(service_id: int, removed_at: datetime | None) -> FieldError:
    if removed_at is None:
        return FieldError("service", f"no service {service_id} in the catalog")
    since = removed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return FieldError("service", f"service {service_id} is no longer offered by the panel "
                                 f"since {since}")


def _add_request(draft: OrderDraft, service: Service, link: str) -> AddRequest:
    """Blank parameters left out; custom comments sent one per line and counted by the panel."""
    sent: dict[str, object] = {}
    for f in fields(OrderParams):
        value = getattr(draft.params, f.name)
        sent[f.name] = None if isinstance(value, str) and not value.strip() else value
    quantity: int | None = draft.quantity
    if service.type in COMMENTS_TYPES:
        sent["comments"] = "\n".join(line.strip() for line in comment_lines(draft.params.comments))
        quantity = None
    return AddRequest(service=service.service_id, link=link, quantity=quantity, **sent)  # type: ignore[arg-type]
