"""Two sync workers (threads, each syncing one or three batches at once) on one PostgreSQL
never ask the panel about one order at the same time, and between them bring every open
order current exactly once per pass."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from attrs import evolve
from social_scale_adapters.db.engine import make_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.orders.place_order import place_order
from social_scale_core.sync.worker import SyncDeps, SyncSettings, sync_pass
from sqlalchemy import Engine

from tests.conftest import _truncate_all
from tests.fakes.overlap import OverlapProbe
from tests.order_world import OrderWorld

ORDERS = 240
WORKERS = 2


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url, pool_size=WORKERS * 3 + 2)
    yield engine
    _truncate_all(engine)
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("concurrency", [1, 3])
def test_two_workers_never_poll_one_order_at_once(pg_engine: Engine, concurrency: int) -> None:
    sessions = make_session_factory(pg_engine)
    world = OrderWorld(lambda: SqlUnitOfWork(sessions))
    for k in range(ORDERS):
        place_order(world.ports, world.draft(quantity=100 + k), key=None)
    probe = OverlapProbe(world.panel, hold=0.02)
    world.with_ports(provider=probe)
    deps = SyncDeps(orders=world.ports, claims=world.uow,
                    settings=SyncSettings(batch_size=7, concurrency=concurrency))
    start = threading.Barrier(WORKERS)

    def work(_: int) -> int:
        start.wait()
        return sync_pass(evolve(deps))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        shares = list(pool.map(work, range(WORKERS)))
    assert probe.overlaps == []
    assert sum(shares) == ORDERS and min(shares) > 0  # both worked, nothing twice
    assert set(probe.asked.values()) == {1} and len(probe.asked) == ORDERS
    assert probe.largest_batch <= 7
    if concurrency > 1:  # more calls at once than workers: their threads overlapped too
        assert probe.most_at_once > WORKERS
    assert all(o.last_checked_at == world.clock.now() for o in world.orders())
