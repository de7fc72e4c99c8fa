"""50 concurrent requests with one Idempotency-Key, through the real use case and SQL
storage (SQLite and PostgreSQL): exactly one `add`, one order, one invoice, one answer."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from social_scale_core.orders.place_order import place_order
from social_scale_core.panel.provider import AddRequest

from tests.fakes.provider import InMemoryProvider
from tests.order_world import OrderWorld

REQUESTS = 50


class SlowPanel(InMemoryProvider):
    """The panel takes a while to answer `add`, so that duplicates arrive meanwhile."""

    def add(self, request: AddRequest) -> int:
        time.sleep(0.3)
        return super().add(request)


def test_fifty_concurrent_duplicates_make_exactly_one_add(uow_factory) -> None:  # type: ignore[no-untyped-def]
    world = OrderWorld(uow_factory, SlowPanel())
    world.with_ports(sleep=time.sleep, settle_wait=20.0, poll_every=0.02)
    world.catalog.snapshot()  # warm the cache: the race is about `add`, not `services`
    start = threading.Barrier(REQUESTS)

    def attempt(_: int) -> tuple[str, str | None]:
        start.wait()
        placed = place_order(world.ports, world.draft(quantity=500), key="one-key")
        return placed.order.id, placed.invoice.id if placed.invoice else None

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        answers = list(pool.map(attempt, range(REQUESTS)))
    assert world.panel.calls["add"] == 1 and len(world.panel.orders) == 1
    [order] = world.orders()
    assert set(answers) == {(order.id, order.invoice_id)} and order.invoice_id is not None
