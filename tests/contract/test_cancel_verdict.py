"""Found by the soak: a cancel the panel accepted made the order `canceled` for good, and
when the panel later ended it Partial (it had delivered some), the order stayed canceled
and its invoice billed nothing for what was delivered and paid for (likewise when the
panel completed the order before processing the cancel). The panel's verdict now wins
(SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from social_scale_core.orders import tracking
from social_scale_core.orders.placing import place_order
from social_scale_core.provider import OrderStatus
from social_scale_core.sync.worker import SyncDeps, sync_pass

from tests.order_world import OrderWorld


def test_a_canceled_order_that_the_panel_ends_partial_bills_what_was_delivered(
        uow_factory: Any) -> None:
    world = OrderWorld(uow_factory)
    service = world.service_where(cancel=True).service_id
    placed = place_order(world.ports, world.draft(quantity=100, service=service), key=None)
    api_id = placed.order.api_order_id
    assert api_id is not None
    assert tracking.cancel_order(world.ports, api_id).status is OrderStatus.CANCELED
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
    assert sync_pass(deps) == 1  # still open at the panel: asked, nothing changes
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
