"""Following placed orders at the panel: status sync (one or many), refill and cancel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from social_scale_core.errors import (
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
from social_scale_core.provider import OrderStatus, PanelOrder, PanelOrderError
from social_scale_core.provider_context import provider_call_context

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


def _apply(uow: OrdersUnitOfWork, order_id: str, panel: PanelOrder, refill: str | None,
           ports: OrderPorts) -> Order:
    now = ports.clock.now()
    order = load(uow, order_id, for_update=True)
    order.apply_panel(panel, now)
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


def sync_orders(ports: OrderPorts, api_order_ids: Sequence[int]) -> dict[int, Order | str]:
    """Sync many orders (the provider batches them 100 per call); per id the updated
    order, or an error text for ids we do not have or the panel does not know."""
    ids = list(dict.fromkeys(api_order_ids))
    with ports.uow() as uow:
        known = uow.orders.by_api_ids(ids)
    results: dict[int, Order | str] = {i: NOT_HERE for i in ids if i not in known}
    if not known:
        return results
    with provider_call_context(None):
        reports = ports.provider.statuses(list(known))
        refills = {i: _refill_status(ports, o) for i, o in known.items()}
    for api_id, order in known.items():
        report = reports.get(api_id)
        if isinstance(report, PanelOrder):
            # One short transaction per order: concurrent syncs of overlapping batches
            # (requests, workers) then never hold two order locks at once, so they cannot
            # deadlock (one transaction for the batch did, on PostgreSQL, in the soak).
            with ports.uow() as uow:
                results[api_id] = _apply(uow, order.id, report, refills[api_id], ports)
                uow.commit()
        else:
            results[api_id] = report.message if isinstance(report, PanelOrderError) else (
                "The panel did not report on this order")
    return {i: results[i] for i in ids}


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
    if order.status in (OrderStatus.CANCELED, OrderStatus.FAILED):
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
    """Ask the panel to cancel an open order; `canceled` only once it accepts.

    IllegalTransition (no panel call) for an order that is not open; OrderRejected (409)
    with the panel's words when it refuses. The refund shows in a later status sync.
    """
    with ports.uow() as uow:
        order = load_by_api_id(uow, api_order_id)
    if not order.status.is_open:
        raise IllegalTransition(f"A {order.status.value} order cannot be canceled.")
    result = _ask(order, lambda: ports.provider.cancel(api_order_id))
    if not result.accepted:
        raise OrderRejected(result.message or "The panel refused to cancel the order.",
                            "refused", None, order.id)
    with ports.uow() as uow:
        order = load(uow, order.id, for_update=True)
        if order.status.is_open:
            order.move_to(OrderStatus.CANCELED, ports.clock.now())
            uow.orders.save(order)
            uow.commit()
    return order
