"""A cancel the panel accepts makes the order `canceling`, never `canceled` at once
(issue 11: it read canceled and billed nothing before the panel said so). The panel's
verdict decides: Partial bills what was delivered, Completed everything, Canceled nothing;
open answers meanwhile keep it canceling (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from social_scale_core.orders import tracking
from social_scale_core.orders.place_order import place_order
from social_scale_core.panel.provider import OrderStatus
from social_scale_core.sync.worker import SyncDeps, sync_pass

from tests.order_world import OrderWorld


def test_a_canceled_order_that_the_panel_ends_partial_bills_what_was_delivered(
        uow_factory: Any) -> None:
    world = OrderWorld(uow_factory)
    service = world.service_where(cancel=True).service_id
    placed = place_order(world.ports, world.draft(quantity=100, service=service), key=None)
    api_id = placed.order.api_order_id
    assert api_id is not None
    canceling = tracking.cancel_order(world.ports, api_id)
    assert canceling.status is OrderStatus.CANCELING and canceling.completed_at is None
    assert world.invoice_of(canceling.id) == placed.invoice  # untouched until the verdict
    world.panel.set_status(api_id, "In progress")  # not decided yet: nothing moves
    still = tracking.sync_order(world.ports, api_id)
    assert still.status is OrderStatus.CANCELING and still.provider_status == "In progress"
    world.panel.set_status(api_id, "Partial", remains=30)
    synced = tracking.sync_order(world.ports, api_id)
    assert synced.status is OrderStatus.PARTIAL and synced.remains == 30
    invoice = world.invoice_of(synced.id)
    assert invoice is not None and invoice.billed_quantity == 70


def test_a_canceled_order_that_the_panel_completes_first_is_completed(
        uow_factory: Any) -> None:
    world = OrderWorld(uow_factory)
    service = world.service_where(cancel=True).service_id
    placed = place_order(world.ports, world.draft(quantity=100, service=service), key=None)
    api_id = placed.order.api_order_id
    assert api_id is not None
    tracking.cancel_order(world.ports, api_id)
    world.panel.set_status(api_id, "Completed", remains=0)
    synced = tracking.sync_order(world.ports, api_id)
    assert synced.status is OrderStatus.COMPLETED
    assert world.invoice_of(synced.id) == placed.invoice  # billed in full, as delivered


def test_a_cancel_the_panel_confirms_bills_nothing(uow_factory: Any) -> None:
    world = OrderWorld(uow_factory)
    service = world.service_where(cancel=True).service_id
    placed = place_order(world.ports, world.draft(quantity=100, service=service), key=None)
    api_id = placed.order.api_order_id
    assert api_id is not None
    tracking.cancel_order(world.ports, api_id)
    world.panel.set_status(api_id, "Canceled", remains=100)
    synced = tracking.sync_order(world.ports, api_id)
    assert synced.status is OrderStatus.CANCELED
    invoice = world.invoice_of(synced.id)
    assert invoice is not None and invoice.billed_quantity == 0


def test_the_worker_follows_a_cancel_until_the_panel_s_verdict(uow_factory: Any) -> None:
    """The sync worker keeps polling an order canceled at our request until the panel says
    how it ended; then the invoice follows, and the polling stops."""
    world = OrderWorld(uow_factory)
    service = world.service_where(cancel=True).service_id
    placed = place_order(world.ports, world.draft(quantity=100, service=service), key=None)
    api_id = placed.order.api_order_id
    assert api_id is not None
    tracking.cancel_order(world.ports, api_id)
    deps = SyncDeps(orders=world.ports, claims=world.uow)
    assert sync_pass(deps) == 1  # still open at the panel: asked, still canceling
    assert world.orders()[0].status is OrderStatus.CANCELING
    assert world.panel.calls["statuses"] == 1
    world.clock.advance(minutes=1)
    world.panel.set_status(api_id, "Canceled", remains=100)
    assert sync_pass(deps) == 1
    (order,) = world.orders()
    assert order.status is OrderStatus.CANCELED and order.provider_status == "Canceled"
    invoice = world.invoice_of(order.id)
    assert invoice is not None and invoice.billed_quantity == 0
    world.clock.advance(minutes=1)
    asked = world.panel.calls["statuses"]
    assert sync_pass(deps) == 0 and world.panel.calls["statuses"] == asked  # settled
