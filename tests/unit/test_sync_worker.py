"""The background sync on SQLite and PostgreSQL: batches of at most 100 ids, least recently
checked first, invoices settled through the orders' sync, back-off while the panel fails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from social_scale_core.errors import ProviderUnavailable
from social_scale_core.orders import tracking
from social_scale_core.orders.place_order import place_order
from social_scale_core.panel.provider import OrderStatus
from social_scale_core.sync.worker import SyncDeps, SyncSettings, SyncWorker, sync_pass

from tests.fakes.overlap import OverlapProbe
from tests.order_world import OrderWorld


@pytest.fixture
def world(uow_factory) -> OrderWorld:  # type: ignore[no-untyped-def]
    return OrderWorld(uow_factory)


class Counts:
    """A SyncObserver that counts."""

    def __init__(self) -> None:
        self.orders = 0
        self.failures = 0

    def synced(self, orders: int) -> None:
        self.orders += orders

    def failed(self) -> None:
        self.failures += 1


def deps(world: OrderWorld, **settings: Any) -> SyncDeps:
    return SyncDeps(orders=world.ports, claims=world.uow, settings=SyncSettings(**settings))


def place(world: OrderWorld, n: int) -> list[int]:
    ids = []
    for k in range(n):
        placed = place_order(world.ports, world.draft(quantity=100 + k), key=None)
        assert placed.order.api_order_id is not None
        ids.append(placed.order.api_order_id)
    return ids


def completed(world: OrderWorld, n: int) -> list[int]:
    """`place` n orders, which the panel then completes and one sync records."""
    ids = place(world, n)
    for api_id in ids:
        world.panel.set_status(api_id, "Completed", remains=0)
    tracking.sync_orders(world.ports, ids)
    return ids


def test_a_pass_syncs_every_open_order_in_calls_of_at_most_the_batch(world: OrderWorld
                                                                     ) -> None:
    ids = place(world, 7)
    for api_id in ids[:3]:
        world.panel.advance(api_id)  # In progress
    world.panel.set_status(ids[3], "Completed")
    world.panel.calls.clear()
    assert sync_pass(deps(world, batch_size=3)) == 7
    assert world.panel.calls["statuses"] == 3  # 3 + 3 + 1
    by_api = {o.api_order_id: o for o in world.orders()}
    assert {by_api[i].status for i in ids[:3]} == {OrderStatus.IN_PROGRESS}
    assert by_api[ids[3]].status is OrderStatus.COMPLETED
    assert all(o.last_checked_at == world.clock.now() for o in by_api.values())
    # The completed order is no longer open: the next pass leaves it alone.
    world.clock.advance(seconds=60)
    world.panel.calls.clear()
    assert sync_pass(deps(world)) == 6
    assert world.panel.calls["statuses"] == 1


def test_least_recently_checked_orders_go_first(world: OrderWorld) -> None:
    ids = place(world, 4)
    sync_pass(deps(world))  # all checked at t0
    world.clock.advance(seconds=60)
    probe_order = ids[2]
    world.panel.calls.clear()
    with world.uow() as uow:  # one order checked later than the rest
        uow.sync_claims.release([probe_order], world.clock.now())
        uow.commit()
    world.clock.advance(seconds=60)
    with world.uow() as uow:
        first = uow.sync_claims.claim(3, world.clock.now(), world.clock.now(),
                                      world.clock.now() + timedelta(minutes=5))
        uow.commit()
    assert first == sorted(set(ids) - {probe_order})


def test_a_leased_order_is_not_claimed_again_until_the_lease_ends(world: OrderWorld) -> None:
    (api_id,) = place(world, 1)
    now = world.clock.now()
    lease = now + timedelta(minutes=5)
    with world.uow() as uow:
        assert uow.sync_claims.claim(10, now, now, lease) == [api_id]
        uow.commit()
    with world.uow() as uow:
        assert uow.sync_claims.claim(10, now, now, lease) == []
        later = lease + timedelta(seconds=1)
        assert uow.sync_claims.claim(10, later, later, later) == [api_id]


def test_partial_and_canceled_outcomes_adjust_their_invoices(world: OrderWorld) -> None:
    partial, canceled, done = place(world, 3)
    world.panel.set_status(partial, "Partial", remains=40)
    world.panel.set_status(canceled, "Canceled")
    world.panel.set_status(done, "Completed")
    sync_pass(deps(world))
    by_api = {o.api_order_id: o for o in world.orders()}
    bill = {i: world.invoice_of(by_api[i].id) for i in (partial, canceled, done)}
    assert bill[canceled] is not None and bill[canceled].status.value == "void"
    assert bill[partial] is not None and bill[partial].billed_quantity == 100 - 40
    assert bill[done] is not None and bill[done].billed_quantity == bill[done].ordered_quantity


def test_ids_the_panel_does_not_know_are_marked_checked_not_retried_first(
        world: OrderWorld) -> None:
    ids = place(world, 2)
    del world.panel.orders[ids[0]]  # the panel forgot it: "Incorrect order ID"
    sync_pass(deps(world))
    with world.uow() as uow:
        now = world.clock.now()
        assert uow.sync_claims.claim(10, now, now + timedelta(seconds=1), now) == sorted(ids)


def test_the_worker_backs_off_while_the_panel_fails_and_recovers(world: OrderWorld) -> None:
    place(world, 2)
    counts = Counts()
    d = SyncDeps(orders=world.ports, claims=world.uow,
                 settings=SyncSettings(interval=30, jitter=0.1, backoff_base=5,
                                       backoff_max=20), observer=counts)
    worker = SyncWorker(d, wait=lambda _s: False)
    world.panel.fail("statuses", ProviderUnavailable("down"))
    delays = []
    for _ in range(4):
        worker.step()
        delays.append(worker.next_delay())
    assert delays == [5, 10, 20, 20] and counts.failures == 4
    # The failed batches' leases were ended: once the panel heals, everything syncs.
    world.panel.heal()
    worker.step()
    assert 27 <= worker.next_delay() <= 33
    assert all(o.last_checked_at is not None for o in world.orders())



def test_concurrent_batches_sync_every_order_once(world: OrderWorld) -> None:
    ids = place(world, 12)
    probe = OverlapProbe(world.panel, hold=0.02)
    world.with_ports(provider=probe)
    assert sync_pass(deps(world, batch_size=2, concurrency=3)) == 12
    assert probe.overlaps == [] and probe.largest_batch == 2
    assert sorted(probe.asked) == sorted(ids) and set(probe.asked.values()) == {1}
    assert probe.most_at_once >= 2  # the batches did run at the same time
    assert all(o.last_checked_at == world.clock.now() for o in world.orders())


def test_a_failing_panel_stops_every_thread_and_ends_their_leases(world: OrderWorld) -> None:
    place(world, 9)
    world.panel.fail("statuses", ProviderUnavailable("down"))
    with pytest.raises(ProviderUnavailable):
        sync_pass(deps(world, batch_size=2, concurrency=3))
    world.panel.heal()
    assert sync_pass(deps(world, batch_size=2, concurrency=3)) == 9


def test_a_batch_asks_about_a_bounded_number_of_open_refills(world: OrderWorld) -> None:
    """The panel has no many-refill call: one call per open refill, so a batch asks about
    `refill_checks` of them at most; the others keep their status until a later pass."""
    ids = completed(world, 5)  # their service offers refills
    for api_id in ids:
        tracking.request_refill(world.ports, api_id)
    for refill_id in world.panel.refills:
        world.panel.set_refill_status(refill_id, "Completed")
    fresh, claimed = [], []
    for _ in range(3):
        world.clock.advance(seconds=60)
        claimed.append(sync_pass(deps(world, refill_checks=2)))
        fresh.append(sum(o.refill_status == "Completed" for o in world.orders()))
    # Completed orders are followed while their refill runs, and no longer once it ended.
    assert claimed == [5, 3, 1] and fresh == [2, 4, 5]
    assert world.panel.calls["refill_status"] == 5
    world.clock.advance(seconds=60)
    assert sync_pass(deps(world, refill_checks=2)) == 0
    # Statuses asked for by id (`orders/status?orderIds=`) still refresh every open refill.
    more = completed(world, 3)
    for api_id in more:
        tracking.request_refill(world.ports, api_id)
    world.panel.calls.clear()
    tracking.sync_orders(world.ports, ids + more)
    assert world.panel.calls["refill_status"] == 3


def test_a_canceling_order_is_claimed_as_an_open_one(world: OrderWorld) -> None:
    service = world.service_where(cancel=True).service_id
    placed = [place_order(world.ports, world.draft(quantity=100 + k, service=service),
                          key=None).order.api_order_id for k in range(3)]
    assert None not in placed
    canceling = placed[0]
    assert canceling is not None
    assert tracking.cancel_order(world.ports, canceling).status is OrderStatus.CANCELING
    now = world.clock.now()
    with world.uow() as uow:
        first = uow.sync_claims.claim(3, now, now, now + timedelta(minutes=5))
        rest = uow.sync_claims.claim(3, now, now, now + timedelta(minutes=5))
        uow.commit()
    assert first == sorted(placed) and rest == []


def test_a_storage_failure_backs_off_instead_of_killing_the_worker(world: OrderWorld) -> None:
    def broken() -> Any:
        raise RuntimeError("database restarting")

    counts = Counts()
    d = SyncDeps(orders=world.ports, claims=broken,
                 settings=SyncSettings(backoff_base=5), observer=counts)
    worker = SyncWorker(d, wait=lambda _s: False)
    worker.step()
    assert (counts.failures, worker.next_delay()) == (1, 5)


def test_the_rounds_other_steps_run_even_when_the_sync_or_one_step_fails(
        world: OrderWorld) -> None:
    """The catalog refresh (and the other periodic jobs) ride on every round: a failing
    panel for the sync, or a step that raises, never keeps the next step from running."""
    place(world, 1)
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("a bug in one step")

    d = SyncDeps(orders=world.ports, claims=world.uow)
    worker = SyncWorker(d, wait=lambda _s: False, steps=(broken, lambda: ran.append("next")))
    world.panel.fail("statuses", ProviderUnavailable("down"))
    worker.step()
    assert ran == ["broken", "next"] and worker.failures == 1
