"""The panel's service catalog, cached for a TTL and served stale when the panel is down."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from attrs import frozen

from social_scale_core.clock import Clock
from social_scale_core.errors import ProviderError
from social_scale_core.ports.provider import Provider
from social_scale_core.provider import Service

DEFAULT_RETRY_AFTER_FAILURE = timedelta(seconds=30)


@frozen
class CatalogSnapshot:
    """One copy of the catalog; `stale` is True when a refresh failed and this is older."""

    services: tuple[Service, ...]
    fetched_at: datetime
    stale: bool = False

    def get(self, service_id: int) -> Service | None:
        return next((s for s in self.services if s.service_id == service_id), None)


class ServiceCatalog:
    """Caches `provider.services()` for `ttl`; thread-safe, one refresh at a time.

    When a refresh fails with a ProviderError and an older copy exists, that copy is served
    with `stale=True`, and the panel is not asked again before `retry_after_failure` (so an
    outage does not add a time-out to every request). Without any copy the error propagates.
    """

    def __init__(
        self,
        provider: Provider,
        clock: Clock,
        ttl: timedelta,
        retry_after_failure: timedelta = DEFAULT_RETRY_AFTER_FAILURE,
    ) -> None:
        self._provider = provider
        self._clock = clock
        self._ttl = ttl
        self._retry_after_failure = min(retry_after_failure, ttl)
        self._lock = threading.Lock()
        self._copy: CatalogSnapshot | None = None
        self._by_id: dict[int, Service] = {}
        self._failed_at: datetime | None = None
        self._expired = False

    def snapshot(self) -> CatalogSnapshot:
        """The catalog, refreshed first when the copy is older than the TTL."""
        with self._lock:
            now = self._clock.now()
            copy = self._copy
            if copy is not None and not self._expired and now - copy.fetched_at < self._ttl:
                return copy
            if copy is not None and self._failed_recently(now):
                return _as_stale(copy)
            try:
                services = self._provider.services()
            except ProviderError:
                if copy is None:
                    raise
                self._failed_at = now
                return _as_stale(copy)
            self._store(services, now)
            assert self._copy is not None
            return self._copy

    def get(self, service_id: int) -> Service | None:
        """One service of the (possibly refreshed) catalog, None when the panel lacks it."""
        self.snapshot()
        with self._lock:
            return self._by_id.get(service_id)

    def invalidate(self) -> None:
        """Forget the freshness of the copy: the next read asks the panel (copy kept as backup)."""
        with self._lock:
            self._expired = True
            self._failed_at = None

    def _failed_recently(self, now: datetime) -> bool:
        return self._failed_at is not None and now - self._failed_at < self._retry_after_failure

    def _store(self, services: Sequence[Service], now: datetime) -> None:
        self._copy = CatalogSnapshot(tuple(services), now)
        self._by_id = {s.service_id: s for s in services}
        self._failed_at = None
        self._expired = False


def _as_stale(copy: CatalogSnapshot) -> CatalogSnapshot:
    return CatalogSnapshot(copy.services, copy.fetched_at, stale=True)


def group_by_network(
    services: Iterable[Service], network: str | None = None
) -> list[tuple[str, list[Service]]]:
    """Services grouped by network (case-insensitive filter), networks A-Z with `Other` last."""
    wanted = network.strip().casefold() if network else None
    groups: dict[str, list[Service]] = {}
    for service in services:
        if wanted is None or service.network.casefold() == wanted:
            groups.setdefault(service.network, []).append(service)
    order = sorted(groups, key=lambda name: (name == "Other", name.casefold()))
    return [(name, sorted(groups[name], key=lambda s: s.service_id)) for name in order]
