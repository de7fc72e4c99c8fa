"""ServiceCatalog: TTL cache of the panel's catalog, served stale when the panel is down."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from social_scale_core.catalog import ServiceCatalog, group_by_network
from social_scale_core.clock import FrozenClock
from social_scale_core.errors import ProviderTimeout, ProviderUnavailable
from social_scale_core.provider import Service

from tests.fakes.provider import InMemoryProvider

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)


def svc(service_id: int, network: str, rate: str = "1.0000") -> Service:
    return Service(service_id=service_id, name=f"S{service_id}", type="Default",
                   category=f"{network} : Likes", network=network, rate=Decimal(rate),
                   min=10, max=1000, refill=False, cancel=False, currency="INR")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def panel() -> InMemoryProvider:
    return InMemoryProvider([svc(1, "Instagram"), svc(2, "TikTok"), svc(3, "Instagram")])


@pytest.fixture
def catalog(panel: InMemoryProvider, clock: FrozenClock) -> ServiceCatalog:
    return ServiceCatalog(panel, clock, TTL)


def test_first_read_asks_the_panel_then_the_copy_serves_within_the_ttl(
        catalog: ServiceCatalog, panel: InMemoryProvider, clock: FrozenClock) -> None:
    first = catalog.snapshot()
    assert {s.service_id for s in first.services} == {1, 2, 3}
    assert first.fetched_at == T0 and not first.stale
    clock.advance(minutes=9, seconds=59)
    assert catalog.snapshot() is first
    assert panel.calls["services"] == 1


def test_the_copy_is_refreshed_once_the_ttl_has_passed(
        catalog: ServiceCatalog, panel: InMemoryProvider, clock: FrozenClock) -> None:
    catalog.snapshot()
    panel.catalog[4] = svc(4, "YouTube")
    clock.advance(minutes=10)
    fresh = catalog.snapshot()
    assert panel.calls["services"] == 2
    assert fresh.fetched_at == T0 + TTL and catalog.get(4) == svc(4, "YouTube")


def test_a_failed_refresh_serves_the_old_copy_marked_stale(
        catalog: ServiceCatalog, panel: InMemoryProvider, clock: FrozenClock) -> None:
    catalog.snapshot()
    clock.advance(minutes=11)
    panel.fail("services", ProviderUnavailable("HTTP 502"))
    stale = catalog.snapshot()
    assert stale.stale and stale.fetched_at == T0
    assert {s.service_id for s in stale.services} == {1, 2, 3}
    assert catalog.get(2) == svc(2, "TikTok")


def test_after_a_failure_the_panel_rests_before_the_next_try(
        panel: InMemoryProvider, clock: FrozenClock) -> None:
    catalog = ServiceCatalog(panel, clock, TTL, retry_after_failure=timedelta(seconds=30))
    catalog.snapshot()
    clock.advance(minutes=11)
    panel.fail("services", ProviderTimeout("slow"))
    catalog.snapshot()
    catalog.snapshot()
    assert panel.calls["services"] == 2  # the second stale read did not ask again
    panel.heal()
    clock.advance(seconds=30)
    again = catalog.snapshot()
    assert not again.stale and again.fetched_at == clock.now()
    assert panel.calls["services"] == 3


def test_without_any_copy_the_error_propagates_and_the_next_read_retries(
        catalog: ServiceCatalog, panel: InMemoryProvider) -> None:
    panel.fail("services", ProviderTimeout("no answer"), times=2)
    with pytest.raises(ProviderTimeout):
        catalog.snapshot()
    with pytest.raises(ProviderTimeout):
        catalog.get(1)
    assert not catalog.snapshot().stale
    assert panel.calls["services"] == 3


def test_get_returns_none_for_a_service_the_panel_lacks(catalog: ServiceCatalog) -> None:
    assert catalog.get(999) is None
    assert catalog.get(3) == svc(3, "Instagram")


def test_invalidate_forces_a_refresh_before_the_ttl(
        catalog: ServiceCatalog, panel: InMemoryProvider) -> None:
    catalog.snapshot()
    panel.catalog[5] = svc(5, "Facebook")
    assert catalog.get(5) is None
    catalog.invalidate()
    assert catalog.get(5) == svc(5, "Facebook")
    assert panel.calls["services"] == 2


class SlowPanel(InMemoryProvider):
    """A panel whose catalog takes a while, so that racing readers overlap."""

    def services(self) -> list[Service]:
        time.sleep(0.05)
        return super().services()


def test_concurrent_readers_share_one_refresh(clock: FrozenClock) -> None:
    panel = SlowPanel([svc(1, "Instagram")])
    catalog = ServiceCatalog(panel, clock, TTL)
    barrier = threading.Barrier(8)

    def read() -> None:
        barrier.wait()
        catalog.snapshot()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert panel.calls["services"] == 1


def test_grouping_by_network_filters_case_insensitively_and_sorts() -> None:
    services = [svc(9, "Other"), svc(3, "Instagram"), svc(2, "TikTok"), svc(1, "Instagram")]
    groups = group_by_network(services)
    assert [name for name, _ in groups] == ["Instagram", "TikTok", "Other"]
    assert [s.service_id for s in groups[0][1]] == [1, 3]
    only = group_by_network(services, " instagram ")
    assert [name for name, _ in only] == ["Instagram"]
    assert group_by_network(services, "myspace") == []
