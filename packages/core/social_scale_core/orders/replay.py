"""Answering a repeated request (same Idempotency-Key) with the first request's result."""

from __future__ import annotations

from attrs import frozen

from social_scale_core.errors import (
    Conflict,
    IdempotencyConflict,
    IdempotencyInProgress,
    OrderNotSent,
    OrderOutcomeUnknown,
)
from social_scale_core.invoicing import Invoice
from social_scale_core.orders.deps import OrderPorts, load, settle_wait_polls
from social_scale_core.orders.model import Order
from social_scale_core.orders.rejections import add_rejected
from social_scale_core.panel.provider import OrderStatus


@frozen
class Placed:
    """A placed order and its invoice (None only if invoicing failed after the panel took it)."""

    order: Order
    invoice: Invoice | None


def replay(ports: OrderPorts, order: Order, fingerprint: str | None) -> Placed:
    """The first result for this key: IdempotencyConflict if the body differs; waits a
    little while the first request is still submitting (IdempotencyInProgress after that)."""
    if order.request_fingerprint != fingerprint:
        raise IdempotencyConflict(
            "This Idempotency-Key was already used with a different request body."
        )
    return outcome(ports, _settled(ports, order))


def _settled(ports: OrderPorts, order: Order) -> Order:
    for _ in range(settle_wait_polls(ports)):
        if order.status is not OrderStatus.SUBMITTING:
            return order
        ports.sleep(ports.poll_every)
        with ports.uow() as uow:
            order = load(uow, order.id)
    if order.status is not OrderStatus.SUBMITTING:
        return order
    return _expire_if_stale(ports, order)


def _expire_if_stale(ports: OrderPorts, order: Order) -> Order:
    """A `submitting` order older than any `add` can take lost its worker mid-call."""
    now = ports.clock.now()
    if now - order.created_at < ports.stale_after:
        raise IdempotencyInProgress(
            "The first request with this Idempotency-Key is still being processed; "
            "retry in a few seconds."
        )
    with ports.uow() as uow:
        order = load(uow, order.id, for_update=True)
        if order.status is OrderStatus.SUBMITTING:
            order.move_to(OrderStatus.UNKNOWN, now)
            order.error_code = "stale_submission"
            order.error_message = "The request stopped before the panel's answer was recorded."
            uow.orders.save(order)
            uow.commit()
    return order


def outcome(ports: OrderPorts, order: Order) -> Placed:
    """The result a settled order stands for: placed, or the error it ended with."""
    if order.api_order_id is not None:
        with ports.uow() as uow:
            invoice = uow.invoices.get_by_order(order.id)
        return Placed(order, invoice)
    if order.status is OrderStatus.UNKNOWN:
        raise OrderOutcomeUnknown(order.id)
    if order.error_code == "provider_rejected":
        raise add_rejected(order.error_message or "", order.id)
    if order.error_code == "provider_unavailable":
        raise OrderNotSent(order.error_message or "The panel could not be reached.", order.id)
    raise Conflict(f"The order {order.id} was marked {order.status.value} after review.")
