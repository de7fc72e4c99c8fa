"""Tolerant readers of the panel's loose JSON: numbers or strings, errors even with HTTP 200."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from social_scale_core.errors import ProviderBadResponse, ProviderRejected
from social_scale_core.money import to_decimal
from social_scale_core.panel.networks import clean, network_of
from social_scale_core.panel.provider import (
    Balance,
    CancelResult,
    PanelOrder,
    PanelOrderError,
    Service,
    status_from_panel,
)

# The live account's currency (FAMPAGE_API.md); used only when the panel names none.
DOCUMENTED_CURRENCY = "INR"
_TRUE = frozenset({"true", "1", "yes", "ok", "success"})
_FALSE = frozenset({"false", "0", "no", "", "none", "null"})
# Fampage's `{"ok": "false"}` gives no reason; these are the panel's usual ones.
REFUSED_CANCEL = ("the panel refused to cancel the order (its service may take no cancels, "
                  "or the order is already too far along)")


def loads(text: str) -> Any:
    """JSON with every fraction as a Decimal (never float); ProviderBadResponse if unreadable."""
    try:
        return json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise ProviderBadResponse("the panel's answer is not JSON") from exc


def error_message(payload: Any, success_key: str | None = None) -> str | None:
    """The panel's error text: `{"error": ...}`, or `{"message": ...}` without a success key."""
    if not isinstance(payload, dict):
        return None
    err = payload.get("error")
    if err not in (None, "", False):
        return _text(err)
    msg = payload.get("message")
    if msg not in (None, "") and (success_key is None or success_key not in payload):
        return _text(msg)
    return None


def _text(value: Any) -> str:
    if isinstance(value, dict):
        inner = value.get("error") or value.get("message")
        return _text(inner) if inner is not None else json.dumps(value, default=str)
    return str(value).strip() or "unspecified error"


def expect_object(payload: Any, success_key: str) -> dict[str, Any]:
    """The payload as an object holding `success_key`; the panel's error -> ProviderRejected."""
    message = error_message(payload, success_key)
    if message is not None:
        raise ProviderRejected(message)
    if not isinstance(payload, dict) or success_key not in payload:
        raise ProviderBadResponse(f"the panel's answer has no '{success_key}'")
    return payload


def to_int(value: Any, field: str) -> int:
    """An integer sent as a number or a string ("100", " 100 ", "100.0")."""
    if isinstance(value, bool):
        raise ProviderBadResponse(f"'{field}' is not a number")
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ProviderBadResponse(f"'{field}' is not a number") from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ProviderBadResponse(f"'{field}' is not a whole number")
    return int(number)


def to_int_or_none(value: Any, field: str) -> int | None:
    return None if value is None or (isinstance(value, str) and not value.strip()) else to_int(
        value, field
    )


def to_money(value: Any, field: str) -> Decimal:
    """Money sent as a string ("9.9980"), an integer or a JSON fraction (read as Decimal)."""
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise ProviderBadResponse(f"'{field}' is not an amount") from exc


def to_money_or_none(value: Any, field: str) -> Decimal | None:
    return None if value is None or (isinstance(value, str) and not value.strip()) else to_money(
        value, field
    )


def to_bool(value: Any) -> bool:
    """A flag sent as true/false, 1/0 or their strings; anything unknown counts as false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value != 0
    return str(value).strip().casefold() in _TRUE


def _currency(raw: Any, fallback: str | None) -> str | None:
    text = str(raw).strip().upper() if raw is not None else ""
    return text or fallback


def parse_service(item: Any, currency: str) -> Service:
    if not isinstance(item, dict):
        raise ProviderBadResponse("a service in the panel's list is not an object")
    try:
        name, category = clean(str(item["name"])), clean(str(item["category"]))
        return Service(
            service_id=to_int(item["service"], "service"),
            name=name,
            type=clean(str(item.get("type") or "Default")),
            category=category,
            network=network_of(category, name),
            rate=to_money(item["rate"], "rate"),
            min=to_int(item["min"], "min"),
            max=to_int(item["max"], "max"),
            refill=to_bool(item.get("refill", False)),
            cancel=to_bool(item.get("cancel", False)),
            currency=_currency(item.get("currency"), currency) or currency,
        )
    except KeyError as exc:
        raise ProviderBadResponse(f"a service lacks '{exc.args[0]}'") from exc


def parse_services(payload: Any, currency: str) -> list[Service]:
    """The `services` list; `currency` for entries naming none (the panel never does)."""
    message = error_message(payload)
    if message is not None:
        raise ProviderRejected(message)
    if not isinstance(payload, list):
        raise ProviderBadResponse("the panel's service list is not a list")
    return [parse_service(item, currency) for item in payload]


def parse_order_id(payload: Any) -> int:
    """`{"order": 123}` or `{"order": "123"}`."""
    return to_int(expect_object(payload, "order")["order"], "order")


def parse_order(order_id: int, item: Any, currency: str | None) -> PanelOrder:
    """One order's status object; raises ProviderRejected for an error object."""
    body = expect_object(item, "status")
    raw = clean(str(body["status"]))
    return PanelOrder(
        order_id=order_id,
        status=status_from_panel(raw),
        raw_status=raw,
        charge=to_money_or_none(body.get("charge"), "charge"),
        start_count=to_int_or_none(body.get("start_count"), "start_count"),
        remains=to_int_or_none(body.get("remains"), "remains"),
        currency=_currency(body.get("currency"), currency),
    )


def parse_statuses(
    payload: Any, order_ids: list[int], currency: str | None
) -> dict[int, PanelOrder | PanelOrderError]:
    """The multi-status object keyed by id; a bad id's value is a string or an error object."""
    message = error_message(payload)
    if message is not None:
        raise ProviderRejected(message)
    if not isinstance(payload, dict):
        raise ProviderBadResponse("the panel's multi-status answer is not an object")
    by_key = {str(k).strip(): v for k, v in payload.items()}
    result: dict[int, PanelOrder | PanelOrderError] = {}
    for order_id in order_ids:
        value = by_key.get(str(order_id))
        result[order_id] = _one_status(order_id, value, currency)
    return result


def _one_status(order_id: int, value: Any, currency: str | None) -> PanelOrder | PanelOrderError:
    if value is None:
        return PanelOrderError(order_id, "missing from the panel's answer")
    if isinstance(value, str):
        return PanelOrderError(order_id, value.strip() or "unspecified error")
    try:
        return parse_order(order_id, value, currency)
    except ProviderRejected as exc:
        return PanelOrderError(order_id, exc.detail)


def parse_refill_id(payload: Any) -> str:
    """`{"refill": 1}` or `{"refill": "1"}`, as text."""
    value = expect_object(payload, "refill")["refill"]
    if isinstance(value, bool) or value is None or not str(value).strip():
        raise ProviderBadResponse("the panel's refill id is empty")
    return str(value).strip()


def parse_refill_status(payload: Any) -> str:
    return clean(str(expect_object(payload, "status")["status"]))


def parse_balance(payload: Any, currency: str | None) -> Balance:
    body = expect_object(payload, "balance")
    found = _currency(body.get("currency"), currency) or DOCUMENTED_CURRENCY
    return Balance(to_money(body["balance"], "balance"), found)


def parse_cancel(payload: Any, order_id: int) -> CancelResult:
    """Fampage's `{"ok": "true"|"false"}` or the standard list `[{"order", "cancel"}]`.

    A refusal with a message (top-level or for this order) raises ProviderRejected; a bare
    "no" is `accepted=False`.
    """
    if isinstance(payload, list):
        return _cancel_from_list(payload, order_id)
    body = expect_object(payload, "ok") if not _has(payload, "cancel") else payload
    if "cancel" in body:
        return _cancel_entry(order_id, body["cancel"])
    accepted = to_bool(body["ok"])
    return CancelResult(order_id, accepted, None if accepted else REFUSED_CANCEL)


def _has(payload: Any, key: str) -> bool:
    return isinstance(payload, dict) and key in payload and error_message(payload) is None


def _cancel_from_list(payload: list[Any], order_id: int) -> CancelResult:
    for entry in payload:
        if isinstance(entry, dict) and str(entry.get("order", "")).strip() == str(order_id):
            return _cancel_entry(order_id, entry.get("cancel"))
    raise ProviderBadResponse(f"the panel's cancel answer does not mention order {order_id}")


def _cancel_entry(order_id: int, value: Any) -> CancelResult:
    message = error_message(value)
    if message is not None:
        raise ProviderRejected(message)
    if isinstance(value, dict | list) or value is None:
        raise ProviderBadResponse("the panel's cancel answer is unreadable")
    accepted = to_bool(value)
    return CancelResult(order_id, accepted, None if accepted else REFUSED_CANCEL)
