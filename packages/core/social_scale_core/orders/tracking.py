"""Following placed orders at the panel: status sync (one or many), refill and cancel."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from social_scale_core.errors import (
    CancelNotAvailable,
    DomainError,
    IllegalTransition,
    OrderRejected,
    ProviderError,
    ProviderRejected,
    RefillNotAvailable,
)
from social_scale_core.invoicing import adjust_for_order_outcome, delivered_units
from social_scale_core.orders.deps import OrderPorts, load, load_by_api_id
from social_scale_core.orders.model import Order, refill_is_final
from social_scale_core.orders.ports import OrdersUnitOfWork
from social_scale_core.panel.provider import OrderStatus, PanelOrder, PanelOrderError
from social_scale_core.panel.provider_context import provider_call_context

T = TypeVar("T")
NOT_HERE = "Order not found"
# Outcomes whose invoice bills only what was delivered (FAMPAGE_API.md: refunds follow).
BILLED_AS_DELIVERED = frozenset({OrderStatus.PARTIAL, OrderStatus.CANCELED})


def settle_invoice(uow: OrdersUnitOfWork, order: Order, now: datetime, ports: OrderPorts) -> None:
    """Bill only what the panel delivered once it reports a partial or canceled end
    (canceled: nothing; partial: units - remains, or everything while remains is unknown).

    Called on every such report: the invoicing side never takes units off twice.
    """
    delivered = (0 if order.status is OrderStatus.CANCELED
                 else delivered_units(order.units, order.remains))
    adjust_for_order_outcome(uow, order.id, order.units, delivered, now, ports.invoice_policy)


def _refill_status(ports: OrderPorts, order: Order) -> str | None:
    """The refill's fresh status when one is open; the stored one if the panel fails us."""
    if order.refill_id is None or refill_is_final(order.refill_status):
        return order.refill_status
    try:
        return ports.provider.refill_status(order.refill_id)
    except ProviderError:
        return order.refill_status


def _fresh_refills(ports: OrderPorts, orders: dict[int, Order],
                   limit: int | None) -> dict[int, str | None]:
    """`_refill_status` of the orders with an open refill, asking the panel (one call per
    refill: it has no many-refill call) about `limit` of them at most, picked at random so
    that none waits forever; the others keep their stored status until a later sync."""
    open_refills = [i for i, o in orders.items()
                    if o.refill_id is not None and not refill_is_final(o.refill_status)]
    if limit is not None and len(open_refills) > limit:
        open_refills = random.sample(open_refills, limit)
    return {i: _refill_status(ports, orders[i]) for i in open_refills}


def _apply(uow: OrdersUnitOfWork, order_id: str, panel: PanelOrder, refill: str | None,
           ports: OrderPorts, *, keep_refill: bool = False) -> Order:
    now = ports.clock.now()
    order = load(uow, order_id, for_update=True)
    order.apply_panel(panel, now)
    if not keep_refill:  # the refill was asked about: record its fresh status
        order.refill_status = refill
    uow.orders.save(order)
    if panel.status in BILLED_AS_DELIVERED and order.status in BILLED_AS_DELIVERED:
        settle_invoice(uow, order, now, ports)
    return order


def sync_order(ports: OrderPorts, api_order_id: int) -> Order:
    """Ask the panel about one order (by its id there) and record what it says.

    NotFound (before any panel call) when no order of ours has that id.
    """
    with ports.uow() as uow:
        order = load_by_api_id(uow, api_order_id)
    with provider_call_context(order.company_id):
        panel = ports.provider.status(api_order_id)
        refill = _refill_status(ports, order)
    with ports.uow() as uow:
        order = _apply(uow, order.id, panel, refill, ports)
        uow.commit()
    return order


def _apply_batch(uow: OrdersUnitOfWork, reports: dict[str, PanelOrder],
                 refills: dict[str, str | None], ports: OrderPorts) -> dict[str, Order]:
    """Apply the panel's reports and fresh refill statuses (by order id) in the caller's
    transaction: the orders' rows are locked in one statement, in id order, so that
    batches that overlap (the worker's, `orders/status?orderIds=`) wait for each other
    but never deadlock (each report in its own transaction was the earlier fix; it cost a
    commit per order)."""
    now = ports.clock.now()
    locked = uow.orders.lock_many(list(reports))
    for order_id, order in locked.items():
        order.apply_panel(reports[order_id], now)
        if order_id in refills:
            order.refill_status = refills[order_id]
    uow.orders.save_many(list(locked.values()))
    for order_id, order in locked.items():
        if reports[order_id].status in BILLED_AS_DELIVERED and (
                order.status in BILLED_AS_DELIVERED):
            settle_invoice(uow, order, now, ports)
    return locked


def sync_orders(ports: OrderPorts, api_order_ids: Sequence[int], *,
                refill_checks: int | None = None) -> dict[int, Order | str]:
    """Sync many orders (the provider batches them 100 per call) in one transaction; per
    id the updated order, or an error text for ids we do not have or the panel does not
    know. Open refills are asked about too, `refill_checks` of them at most (None: all)."""
    ids = list(dict.fromkeys(api_order_ids))
    with ports.uow() as uow:
        known = uow.orders.by_api_ids(ids)
    results: dict[int, Order | str] = {i: NOT_HERE for i in ids if i not in known}
    if not known:
        return results
    with provider_call_context(None):
        reports = ports.provider.statuses(list(known))
        answered = {i: r for i, r in reports.items()
                    if i in known and isinstance(r, PanelOrder)}
        refills = _fresh_refills(ports, {i: known[i] for i in answered}, refill_checks)
    for api_id in known.keys() - answered.keys():
        report = reports.get(api_id)
        results[api_id] = report.message if isinstance(report, PanelOrderError) else (
            "The panel did not report on this order")
    if answered:
        by_id = {known[i].id: r for i, r in answered.items()}
        fresh = {known[i].id: r for i, r in refills.items()}
        try:
            with ports.uow() as uow:
                synced: dict[str, Order | str] = {
                    **_apply_batch(uow, by_id, fresh, ports)}
                uow.commit()
        except DomainError:
            synced = _apply_one_by_one(by_id, fresh, ports)
        for api_id in answered:
            results[api_id] = synced.get(known[api_id].id, NOT_HERE)
    return {i: results[i] for i in ids}


def _apply_one_by_one(reports: dict[str, PanelOrder], refills: dict[str, str | None],
                      ports: OrderPorts) -> dict[str, Order | str]:
    """The batch was refused as a whole (one order's change broke a rule, e.g. of its
    invoice): each order in its own transaction, so the others still land and the one
    refused says why instead of holding its batch back on every pass."""
    out: dict[str, Order | str] = {}
    for order_id, report in reports.items():
        try:
            with ports.uow() as uow:
                order = _apply(uow, order_id, report, refills.get(order_id), ports,
                               keep_refill=order_id not in refills)
                uow.commit()
            out[order_id] = order
        except DomainError as exc:
            out[order_id] = str(exc) or type(exc).__name__
    return out


def _ask(order: Order, request: Callable[[], T]) -> T:
    """A refill or cancel request for the order: a refusal is a 409 with the panel's words."""
    try:
        with provider_call_context(order.company_id):
            return request()
    except ProviderRejected as exc:
        raise OrderRejected(exc.detail, "refused", None, order.id) from exc


def request_refill(ports: OrderPorts, api_order_id: int) -> Order:
    """Ask the panel to refill; the refill id and status are kept on the order.

    Conflict `refill_not_available` (no panel call) when the service offers no refill or
    the order is not a placed one; OrderRejected (409) with the panel's words if it says no.
    """
    with ports.uow() as uow:
        order = load_by_api_id(uow, api_order_id)
    service = ports.catalog.get(order.service.service_id)
    if service is None or not service.refill:
        raise RefillNotAvailable("This order's service does not offer refills.")
    if order.status in (OrderStatus.CANCELED, OrderStatus.FAILED, OrderStatus.CANCELING):
        raise RefillNotAvailable(f"A {order.status.value} order cannot be refilled.")
    refill_id = _ask(order, lambda: ports.provider.refill(api_order_id))
    with ports.uow() as uow:
        order = load(uow, order.id, for_update=True)
        order.refill_id, order.refill_status = refill_id, "Pending"
        order.updated_at = ports.clock.now()
        uow.orders.save(order)
        uow.commit()
    return order


def cancel_order(ports: OrderPorts, api_order_id: int) -> Order:
    """Ask the panel to cancel an open order; `canceling` once it accepts the request.

    The panel's later status decides the outcome (canceled, partial or completed) and the
    invoice follows it then, as for any final status (`_apply`). Conflict (409, no panel
    call) for an order that is not open, one already `canceling`, or whose service takes
    no cancels; OrderRejected (409) with the panel's words when it refuses.
    """
    with ports.uow() as uow:
        order = load_by_api_id(uow, api_order_id)
    _check_cancelable(ports, order)
    result = _ask(order, lambda: ports.provider.cancel(api_order_id))
    if not result.accepted:
        raise OrderRejected(result.message or "The panel refused to cancel the order.",
                            "refused", None, order.id)
    with ports.uow() as uow:
        order = load(uow, order.id, for_update=True)
        if order.status.is_open and order.status is not OrderStatus.CANCELING:
            order.move_to(OrderStatus.CANCELING, ports.clock.now())
            uow.orders.save(order)
            uow.commit()
    return order


def _check_cancelable(ports: OrderPorts, order: Order) -> None:
    if order.status is OrderStatus.CANCELING:
        raise IllegalTransition(
            "A cancel of this order is already waiting for the panel's verdict.")
    if not order.status.is_open:
        raise IllegalTransition(f"A {order.status.value} order cannot be canceled.")
    service = ports.catalog.get(order.service.service_id)
    if service is not None and not service.cancel:
        raise CancelNotAvailable("This order's service does not accept cancels.")
