"""A crash between an order's status update and its invoice adjustment (SQLite and
PostgreSQL): the two share one transaction, so the crash leaves the order as it was, and
the next sync completes both, once.

The crash is a process dying mid-transaction; here the unit of work dies at the moment the
invoice is looked up for the adjustment, after the order row was written in the session.
"""

from __future__ import annotations

from typing import Any

import pytest
from social_scale_core.orders import tracking
from social_scale_core.orders.place_order import place_order
from social_scale_core.panel.provider import OrderStatus

from tests.order_world import OrderWorld


class PowerCut(BaseException):
    """Not an Exception: nothing in the app may catch it, as nothing survives a kill."""


class _DyingInvoices:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in ("get_by_order", "get_for_update"):
            raise PowerCut(name)
        return getattr(self._inner, name)


class DyingUow:
    """A real unit of work whose process "dies" when the invoice adjustment starts."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __enter__(self) -> DyingUow:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._inner.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        return _DyingInvoices(value) if name == "invoices" else value


@pytest.mark.parametrize(("panel_status", "remains", "billed"), [
    ("Partial", 40, 60), ("Canceled", 100, 0)])
def test_a_crash_before_the_invoice_adjustment_is_completed_by_the_next_sync(
        uow_factory: Any, panel_status: str, remains: int, billed: int) -> None:
    world = OrderWorld(uow_factory)
    placed = place_order(world.ports, world.draft(quantity=100), key=None)
    api_id = placed.order.api_order_id
    assert api_id is not None and placed.invoice is not None
    world.panel.set_status(api_id, panel_status, remains=remains)
    healthy = world.ports
    world.with_ports(uow=lambda: DyingUow(uow_factory()))
    with pytest.raises(PowerCut):
        tracking.sync_order(world.ports, api_id)

    (order,) = world.orders()
    assert order.status is OrderStatus.PENDING and order.remains is None  # rolled back
    assert world.invoice_of(order.id) == placed.invoice  # untouched

    world.with_ports(uow=healthy.uow)
    synced = tracking.sync_order(world.ports, api_id)
    assert synced.status.value == panel_status.lower() and synced.remains == remains
    invoice = world.invoice_of(order.id)
    assert invoice is not None and invoice.billed_quantity == billed
    tracking.sync_order(world.ports, api_id)
    assert world.invoice_of(order.id) == invoice  # completed once, not twice
