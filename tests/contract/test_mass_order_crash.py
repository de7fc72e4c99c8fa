"""A mass order whose process dies mid-batch (SQLite and PostgreSQL): replaying the same
request with the same key completes it, no line is ever sent to the panel twice, and the
batch ends with one invoice holding one line per placed order."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from social_scale_core.invoicing import InvoiceFilter
from social_scale_core.orders.mass import MassPorts, get_batch, place_mass_order
from social_scale_core.orders.mass_model import BatchStatus, LineInput, LineStatus, MassRequest
from social_scale_core.panel.provider import AddRequest

from tests.fakes.provider import InMemoryProvider
from tests.order_world import OrderWorld

LINES = 20
CRASH_AT = 8  # the 8th `add` never leaves: the process dies while sending it


class ProcessDied(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing on the way catches it."""


class DyingPanel(InMemoryProvider):
    def __init__(self) -> None:
        super().__init__()
        self.dead = False
        self.attempts = 0

    def add(self, request: AddRequest) -> int:
        with self._lock:
            self.attempts += 1
            if self.dead or self.attempts == CRASH_AT:
                self.dead = True
                raise ProcessDied
        return super().add(request)


def _request(world: OrderWorld) -> MassRequest:
    return MassRequest(world.company.id, None, tuple(
        LineInput(n, world.draft(quantity=100 + n, link=f"instagram.com/client{n}"))
        for n in range(1, LINES + 1)))


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_crash_then_a_replay_completes_the_batch_without_a_second_add(
        uow_factory: Any, concurrency: int) -> None:
    panel = DyingPanel()
    world = OrderWorld(uow_factory, panel)
    ports = MassPorts(world.ports, uow_factory, concurrency=concurrency)
    with pytest.raises(ProcessDied):
        place_mass_order(ports, _request(world), key="campaign-crash")
    placed_before = len(panel.added)
    assert placed_before < LINES
    # A new process, well after the crash: the panel works again.
    panel.dead = False
    world.clock.advance(minutes=10)
    batch = place_mass_order(ports, _request(world), key="campaign-crash")
    assert batch.status is BatchStatus.COMPLETED
    statuses = Counter(line.status for line in batch.lines)
    # The line whose `add` was cut off may or may not exist at the panel: unknown, never
    # re-sent; every other line placed exactly once.
    assert statuses[LineStatus.PENDING] == 0 and statuses[LineStatus.UNKNOWN] >= 1
    assert statuses[LineStatus.PLACED] + statuses[LineStatus.UNKNOWN] == LINES
    links = Counter(request.link for request in panel.added)
    assert set(links.values()) == {1} and len(panel.added) == statuses[LineStatus.PLACED]
    assert len(panel.added) >= placed_before
    again = place_mass_order(ports, _request(world), key="campaign-crash")
    assert again.lines == batch.lines and len(panel.added) == statuses[LineStatus.PLACED]
    assert get_batch(ports, batch.id).lines == batch.lines
    orders = world.orders()
    assert len(orders) == LINES and len({o.idempotency_key for o in orders}) == LINES
    _one_invoice_for_the_placed(uow_factory, batch.id, [
        line.order_id for line in batch.lines if line.status is LineStatus.PLACED])


def _one_invoice_for_the_placed(uow_factory: Any, batch_id: str, placed: list[Any]) -> None:
    with uow_factory() as uow:
        invoice = uow.invoices.get_by_batch(batch_id)
        listed, total = uow.invoices.list(InvoiceFilter(now=invoice.issued_at, limit=100))
        orders = [uow.orders.get(order_id) for order_id in placed]
    assert total == 1 and listed[0].id == invoice.id  # one number, taken once
    assert sorted(line.order_id for line in invoice.lines) == sorted(placed)
    assert {o.invoice_id for o in orders} == {invoice.id}
    assert invoice.total == sum((line.total for line in invoice.lines), Decimal(0))
    assert invoice.ordered_quantity == sum(o.quantity for o in orders)


def test_the_catalog_check_runs_before_anything_is_sent(uow_factory: Any) -> None:
    world = OrderWorld(uow_factory)
    ports = MassPorts(world.ports, uow_factory)
    request = MassRequest(world.company.id, None, (
        LineInput(1, world.draft(quantity=100)), LineInput(2, world.draft(quantity=5)),
        LineInput(3, world.draft(quantity=100, service=424242))))
    batch = place_mass_order(ports, request, key=None)
    assert [line.status for line in batch.lines] == [LineStatus.PLACED, LineStatus.INVALID,
                                                     LineStatus.INVALID]
    assert [e.field for e in batch.lines[2].errors] == ["service"]
    assert world.panel.calls["add"] == 1
