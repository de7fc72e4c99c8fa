"""Reading the stored catalog: what GET /services lists and what placement validates against."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from social_scale_core.panel.catalog.model import (
    CatalogChange,
    CatalogEntry,
    CatalogSnapshot,
    ChangeQuery,
)
from social_scale_core.panel.catalog.refresh import CatalogPorts, ensure_loaded
from social_scale_core.panel.provider import Service


class StoredCatalog:
    """The database copy of the catalog (ServiceLookup of the order use cases).

    Every read comes from the database, so every worker and instance answers the same;
    the panel is asked only when the catalog was never loaded (see `ensure_loaded`).
    """

    def __init__(self, ports: CatalogPorts) -> None:
        self.ports = ports

    def snapshot(self) -> CatalogSnapshot:
        """The listed services, `stale` when the latest refresh failed."""
        state = ensure_loaded(self.ports)
        with self.ports.uow() as uow:
            services = uow.catalog.listed()
            state = uow.catalog.state()
        assert state.fetched_at is not None
        return CatalogSnapshot(tuple(services), state.fetched_at, stale=state.stale)

    def entry(self, service_id: int) -> CatalogEntry | None:
        """The stored entry of a service (a removed one included), None if never listed.

        A stored entry means a loaded catalog (a refresh writes its services and its
        `fetched_at` together), so the state is read only when the service is not found:
        a placement reads one row, not two."""
        with (self.ports.reads or self.ports.uow)() as uow:
            found = uow.catalog.entry(service_id)
        if found is not None:
            return found
        ensure_loaded(self.ports)
        with self.ports.uow() as uow:
            return uow.catalog.entry(service_id)

    def get(self, service_id: int) -> Service | None:
        """The service as last listed (a removed one too: its past orders keep working)."""
        found = self.entry(service_id)
        return found.service if found is not None else None


def significant_changes(ports: CatalogPorts, since: datetime,
                        limit: int = 200) -> list[CatalogChange]:
    """Significant changes (rate rises of at least PRICE_ALERT_PERCENT) detected after
    `since`, oldest first: the query the alerts turn into `price_change` alerts."""
    with ports.uow() as uow:
        items, _ = uow.catalog.changes(ChangeQuery(since=since, significant=True), limit, 0)
    return sorted(items, key=lambda c: (c.detected_at, c.id or 0))


def list_changes(ports: CatalogPorts, query: ChangeQuery, limit: int,
                 offset: int) -> tuple[list[CatalogChange], int]:
    """One page of the change log, newest first."""
    with ports.uow() as uow:
        return uow.catalog.changes(query, limit, offset)


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
