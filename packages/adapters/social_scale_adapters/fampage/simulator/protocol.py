"""The panel's actions over the simulator's books, rendered as Fampage or a standard panel.

Variants differ where real panels do (FAMPAGE_API.md): Fampage sends the order id and
counts as numbers, a bad id in a multi-status as a plain string and cancels as
`{"ok": "true"}`; the standard script sends strings, `{"error": ...}` per bad id and a
cancel list `[{"order": 1, "cancel": 1}]`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from social_scale_core.money import money_str

from social_scale_adapters.fampage import rules
from social_scale_adapters.fampage.simulator.state import SimOrder, SimState

Params = Mapping[str, str]


def handle(state: SimState, params: Params) -> Any:
    """One protocol request -> the JSON-ready answer (errors as `{"error": ...}`)."""
    if not hmac.compare_digest(params.get("key", "").encode(), state.api_key.encode()):
        return {"error": rules.INVALID_KEY}
    handler = _HANDLERS.get(params.get("action", ""))
    if handler is None:
        return {"error": rules.INCORRECT_REQUEST}
    try:
        return handler(state, params)
    except rules.PanelRefusal as exc:
        return {"error": exc.message}


def _int(value: str | None, message: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise rules.PanelRefusal(message) from None


def _opt_int(params: Params, name: str) -> int | None:
    value = params.get(name)
    return None if value is None or not value.strip() else _int(value, rules.INCORRECT_REQUEST)


def _services(state: SimState, params: Params) -> Any:
    return [_render_service(s, state.variant) for s in state.services.values()]


def _render_service(item: dict[str, Any], variant: rules.Variant) -> dict[str, Any]:
    if variant == "fampage":
        return dict(item)
    return {**item, "min": str(item["min"]), "max": str(item["max"])}


def _add(state: SimState, params: Params) -> Any:
    service = state.services.get(_int(params.get("service"), rules.INCORRECT_SERVICE))
    if service is None:
        raise rules.PanelRefusal(rules.INCORRECT_SERVICE)
    link = rules.check_link(params.get("link"))
    priced = rules.price_add(
        service_type=str(service["type"]), rate=Decimal(str(service["rate"])),
        least=int(service["min"]), most=int(service["max"]),
        quantity=_opt_int(params, "quantity"), comments=params.get("comments"),
        runs=_opt_int(params, "runs"), interval=_opt_int(params, "interval"),
    )
    safe = {k: v for k, v in params.items() if k != "key"}
    order = state.place(service, link, priced, safe)
    return {"order": _id(order.order_id, state.variant)}


def _id(value: int, variant: rules.Variant) -> int | str:
    return value if variant == "fampage" else str(value)


def _render_order(order: SimOrder, state: SimState) -> dict[str, Any]:
    return {
        "charge": money_str(order.charge, 4),
        "start_count": _id(order.start_count, state.variant),
        "status": order.raw_status,
        "remains": str(order.remains),
        "currency": state.currency,
    }


def _find(state: SimState, raw_id: str | None) -> SimOrder:
    try:
        order = state.order(int(str(raw_id).strip()))
    except ValueError:
        order = None
    if order is None:
        raise rules.PanelRefusal(rules.INCORRECT_ORDER)
    return order


def _status(state: SimState, params: Params) -> Any:
    if "orders" in params:
        return _many_statuses(state, params["orders"])
    return _render_order(_find(state, params.get("order")), state)


def _many_statuses(state: SimState, orders: str) -> Any:
    ids = [part.strip() for part in orders.split(",") if part.strip()]
    if not ids:
        raise rules.PanelRefusal(rules.INCORRECT_REQUEST)
    if len(ids) > rules.MAX_IDS:
        raise rules.PanelRefusal(rules.TOO_MANY_IDS)
    answer: dict[str, Any] = {}
    for raw_id in ids:
        try:
            answer[raw_id] = _render_order(_find(state, raw_id), state)
        except rules.PanelRefusal as exc:
            bad = {"error": exc.message} if state.variant == "standard" else exc.message
            answer[raw_id] = bad
    return answer


def _refill(state: SimState, params: Params) -> Any:
    refill = state.request_refill(_find(state, params.get("order")))
    return {"refill": _id(refill.refill_id, state.variant)}


def _refill_status(state: SimState, params: Params) -> Any:
    refill = state.refills.get(_int(params.get("refill"), rules.INCORRECT_REFILL))
    if refill is None:
        raise rules.PanelRefusal(rules.INCORRECT_REFILL)
    return {"status": state.refill_status(refill)}


def _cancel(state: SimState, params: Params) -> Any:
    if state.variant == "fampage":
        order = _find(state, params.get("order") or params.get("orders", "").split(",")[0])
        return {"ok": "true" if state.request_cancel(order) else "false"}
    raw_ids = (params.get("orders") or params.get("order") or "").split(",")
    return [_cancel_one(state, raw.strip()) for raw in raw_ids if raw.strip()]


def _cancel_one(state: SimState, raw_id: str) -> dict[str, Any]:
    order_key: int | str = int(raw_id) if raw_id.isdigit() else raw_id
    try:
        order = _find(state, raw_id)
    except rules.PanelRefusal as exc:
        return {"order": order_key, "cancel": {"error": exc.message}}
    if not state.request_cancel(order):
        return {"order": order_key, "cancel": {"error": rules.CANCEL_DISABLED}}
    return {"order": order_key, "cancel": 1}


def _balance(state: SimState, params: Params) -> Any:
    places = 4 if state.variant == "fampage" else 5
    return {"balance": money_str(state.balance, places), "currency": state.currency}


_HANDLERS: dict[str, Callable[[SimState, Params], Any]] = {
    "services": _services, "add": _add, "status": _status, "refill": _refill,
    "refill_status": _refill_status, "cancel": _cancel, "balance": _balance,
}
