"""The catalog in the database (SQLite and PostgreSQL): refresh, change log, stale copy,
one refresher at a time, removed services."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from attrs import evolve
from social_scale_core.clock import FrozenClock
from social_scale_core.errors import ProviderTimeout, ProviderUnavailable
from social_scale_core.panel.catalog import (
    CatalogPorts,
    ChangeKind,
    ChangeQuery,
    RefreshInProgress,
    StoredCatalog,
    list_changes,
    refresh_catalog,
    refresh_if_due,
    significant_changes,
    try_refresh,
)
from social_scale_core.panel.provider import Service

from tests.fakes.provider import InMemoryProvider

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=10)


def svc(service_id: int, network: str = "Instagram", rate: str = "100.0000") -> Service:
    return Service(service_id=service_id, name=f"S{service_id}", type="Default",
                   category=f"{network} : Likes", network=network, rate=Decimal(rate),
                   min=10, max=1000, refill=False, cancel=False, currency="INR")


class World:
    def __init__(self, uow_factory: Any, panel: InMemoryProvider | None = None) -> None:
        self.clock = FrozenClock(T0)
        self.panel = panel or InMemoryProvider([svc(1), svc(2, "TikTok"), svc(3)])
        self.ports = CatalogPorts(uow_factory, self.panel, self.clock, refresh_every=EVERY,
                                  retry_after=timedelta(seconds=30), wait_for_other=0.5,
                                  poll_every=0.05)
        self.catalog = StoredCatalog(self.ports)

    def changes(self, **filters: Any) -> list[Any]:
        return list_changes(self.ports, ChangeQuery(**filters), 200, 0)[0]


@pytest.fixture
def world(uow_factory: Any) -> World:
    return World(uow_factory)


def test_an_empty_catalog_is_loaded_once_then_served_from_the_database(world: World) -> None:
    first = world.catalog.snapshot()
    assert [s.service_id for s in first.services] == [1, 2, 3]
    assert first.services[1] == svc(2, "TikTok")  # every field round-trips exactly
    assert first.fetched_at == T0 and not first.stale
    world.clock.advance(hours=5)
    assert world.catalog.snapshot() == first and world.catalog.get(3) == svc(3)
    assert world.panel.calls["services"] == 1  # readers never ask the panel again
    assert world.changes() == []  # the first load is the baseline


def test_an_entry_loads_an_empty_catalog_then_takes_one_unit_of_work(world: World) -> None:
    assert world.catalog.entry(2).service == svc(2, "TikTok")  # type: ignore[union-attr]
    assert world.panel.calls["services"] == 1
    opened: list[int] = []
    factory = world.ports.uow

    def counted() -> Any:
        opened.append(1)
        return factory()

    world.ports = evolve(world.ports, uow=counted)
    catalog = StoredCatalog(world.ports)
    assert catalog.entry(3).service == svc(3)  # type: ignore[union-attr]
    assert len(opened) == 1  # the row alone: a stored entry means a loaded catalog
    assert catalog.entry(99) is None  # not listed: the state is checked, nothing asked
    assert world.panel.calls["services"] == 1


def test_a_change_is_recorded_once(world: World) -> None:
    refresh_catalog(world.ports)
    world.panel.catalog[2] = evolve(svc(2, "TikTok"), rate=Decimal("125.5"), max=2000)
    world.clock.advance(minutes=1)
    result = refresh_catalog(world.ports)
    assert {(c.kind, c.old, c.new) for c in result.changes} == {
        (ChangeKind.RATE, "100.0000", "125.5000"), (ChangeKind.MAX, "1000", "2000")}
    assert refresh_catalog(world.ports).changes == ()  # a second refresh adds nothing
    [rate] = world.changes(kind=ChangeKind.RATE)
    assert rate.percent == Decimal("25.50") and rate.significant and rate.service_id == 2
    assert rate.detected_at == T0 + timedelta(minutes=1)
    assert len(world.changes()) == 2 and world.changes(service_id=1) == []
    assert world.catalog.get(2) == world.panel.catalog[2]


def test_significant_changes_since_a_time(world: World) -> None:
    refresh_catalog(world.ports)
    world.panel.catalog[1] = svc(1, rate="109.0000")  # +9%: recorded, not significant
    world.panel.catalog[3] = svc(3, rate="111.0000")  # +11%
    world.clock.advance(minutes=1)
    refresh_catalog(world.ports)
    [rise] = significant_changes(world.ports, T0)
    assert rise.service_id == 3 and rise.kind is ChangeKind.RATE
    assert significant_changes(world.ports, T0 + timedelta(minutes=2)) == []


def test_a_removed_service_stays_known_with_its_date(world: World) -> None:
    refresh_catalog(world.ports)
    del world.panel.catalog[3]
    world.clock.advance(minutes=3)
    refresh_catalog(world.ports)
    entry = world.catalog.entry(3)
    assert entry is not None and entry.removed_at == T0 + timedelta(minutes=3)
    assert entry.service == svc(3)
    assert [s.service_id for s in world.catalog.snapshot().services] == [1, 2]
    [gone] = world.changes(kind=ChangeKind.REMOVED)
    assert gone.service_id == 3
    world.panel.catalog[3] = svc(3)
    refresh_catalog(world.ports)
    assert world.catalog.entry(3).removed_at is None  # type: ignore[union-attr]
    assert len(world.changes(kind=ChangeKind.ADDED)) == 1


def test_a_failed_refresh_keeps_the_copy_marked_stale(world: World) -> None:
    refresh_catalog(world.ports)
    world.clock.advance(minutes=11)
    world.panel.fail("services", ProviderUnavailable("HTTP 502"))
    with pytest.raises(ProviderUnavailable):
        refresh_if_due(world.ports)
    stale = world.catalog.snapshot()
    assert stale.stale and stale.fetched_at == T0 and len(stale.services) == 3
    assert refresh_if_due(world.ports) is None  # resting after the failure
    world.panel.heal()
    world.clock.advance(seconds=30)
    assert refresh_if_due(world.ports) is not None
    fresh = world.catalog.snapshot()
    assert not fresh.stale and fresh.fetched_at == world.clock.now()


def test_refresh_is_due_only_after_the_interval(world: World) -> None:
    assert refresh_if_due(world.ports) is not None  # never loaded
    world.clock.advance(minutes=9, seconds=59)
    assert refresh_if_due(world.ports) is None
    world.clock.advance(seconds=1)
    assert refresh_if_due(world.ports) is not None
    assert world.panel.calls["services"] == 2


def test_without_any_copy_the_panel_error_propagates(world: World) -> None:
    world.panel.fail("services", ProviderTimeout("no answer"), times=1)
    with pytest.raises(ProviderTimeout):
        world.catalog.snapshot()
    assert world.catalog.get(1) == svc(1)  # the next read loads it


def test_a_held_lease_keeps_other_refreshers_away(world: World) -> None:
    with world.ports.uow() as uow:
        assert uow.catalog.claim("someone-else", T0, T0 + timedelta(minutes=2))
        uow.commit()
    assert try_refresh(world.ports) is None
    with pytest.raises(RefreshInProgress):
        refresh_catalog(world.ports)
    with pytest.raises(ProviderUnavailable):
        world.catalog.snapshot()  # nobody finished the first load in time
    assert world.panel.calls["services"] == 0
    world.clock.advance(minutes=2, seconds=1)  # the other refresher died: its lease expired
    assert try_refresh(world.ports) is not None


class SlowPanel(InMemoryProvider):
    """A panel whose catalog takes a while, so that concurrent refreshers overlap."""

    def services(self) -> list[Service]:
        time.sleep(0.2)
        return super().services()


def test_concurrent_refreshers_ask_the_panel_once(uow_factory: Any) -> None:
    world = World(uow_factory, SlowPanel([svc(1)]))
    barrier = threading.Barrier(6)
    results: list[object] = []

    def refresh() -> None:
        barrier.wait()
        results.append(try_refresh(world.ports))

    threads = [threading.Thread(target=refresh) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert world.panel.calls["services"] == 1
    assert sum(r is not None for r in results) == 1
