"""Reading the panel's refusal messages: which reason, and which input field it blames."""

from __future__ import annotations

from social_scale_core.errors import OrderRejected

# (words in the message, reason, field); the first rule whose words all occur wins.
_RULES: tuple[tuple[tuple[str, ...], str, str | None], ...] = (
    # The panel cannot take orders just now ("Service is temporarily unavailable"): a
    # 503 to retry later, not a fault of the request's service field.
    (("temporar",), "panel_unavailable", None),
    (("maintenance",), "panel_unavailable", None),
    (("fund",), "insufficient_funds", None),
    (("balance",), "insufficient_funds", None),
    (("active order",), "active_order", "link"),
    (("api key",), "provider_config", None),
    (("link",), "bad_link", "link"),
    (("url",), "bad_link", "link"),
    (("runs",), "bad_drip_feed", "runs"),
    (("interval",), "bad_drip_feed", "interval"),
    (("comment",), "bad_comments", "comments"),
    (("quantity",), "bad_quantity", "quantity"),
    (("minimal",), "bad_quantity", "quantity"),
    (("maximal",), "bad_quantity", "quantity"),
    (("service",), "bad_service", "service"),
)


def classify(message: str) -> tuple[str, str | None]:
    """(reason, field) for a refusal of `add`; ("rejected", None) when nothing matches."""
    text = " ".join(message.casefold().replace("_", " ").split())
    for words, reason, field in _RULES:
        if all(word in text for word in words):
            return reason, field
    return "rejected", None


def add_rejected(message: str, order_id: str | None) -> OrderRejected:
    """The error for a refused `add`: the panel's words, our reason, the field blamed."""
    reason, field = classify(message)
    return OrderRejected(message or "The panel refused the order.", reason, field, order_id)
