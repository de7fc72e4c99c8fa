"""The sandbox panel's books survive a restart through its state file."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from social_scale_adapters.fampage.simulator import create_simulator
from social_scale_adapters.fampage.simulator.persistence import StateFile
from social_scale_core.clock import FrozenClock
from social_scale_core.panel.provider import AddRequest, OrderStatus


def test_orders_balance_and_refills_come_back_after_a_restart(tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 11, 25, 10, tzinfo=UTC))
    first = create_simulator(seed=3, clock=clock)
    client = first.client()
    order_id = client.add(AddRequest(service=1680, link="https://instagram.com/x", quantity=500))
    clock.advance(seconds=30)
    before = client.status(order_id)
    balance = client.balance().amount
    StateFile(first.state, tmp_path / "books.json").stop()  # stop() writes a final copy

    second = create_simulator(seed=3, clock=clock)
    assert StateFile(second.state, tmp_path / "books.json").load()
    again = second.client()
    assert again.balance().amount == balance < Decimal("1000000")
    assert again.status(order_id) == before
    clock.advance(seconds=3600)
    assert again.status(order_id).status in {OrderStatus.COMPLETED, OrderStatus.PARTIAL}
    new_id = again.add(AddRequest(service=1680, link="https://instagram.com/y", quantity=500))
    assert new_id > order_id  # ids keep counting up: none is handed out twice


def test_a_missing_file_starts_fresh(tmp_path: Path) -> None:
    sim = create_simulator()
    assert not StateFile(sim.state, tmp_path / "none.json").load()
    assert sim.state.orders == {}
