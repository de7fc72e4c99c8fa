"""Refreshing the stored catalog from the panel: one refresher at a time, changes recorded.

Only these use cases ask the panel for its services. The lease is claimed and committed
before the call, the call runs outside any transaction, and the answer is applied in one
transaction that also ends the lease, so concurrent workers and instances never fetch or
write at once, and a refresher that died leaves a lease that expires by itself.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from attrs import field, frozen

from social_scale_core.clock import Clock
from social_scale_core.errors import Conflict, ProviderError, ProviderUnavailable
from social_scale_core.panel.catalog.diff import catalog_changes
from social_scale_core.panel.catalog.model import CatalogState, RefreshResult
from social_scale_core.panel.catalog.ports import CatalogUowFactory
from social_scale_core.ports.provider import Provider

log = logging.getLogger("social_scale.catalog")


@frozen
class CatalogPorts:
    """`refresh_every`: the catalog's age that makes a refresh due; `retry_after`: the wait
    after a failed one; `lease`: how long a refresher may hold the catalog (longer than any
    `services` call); `wait_for_other` seconds a caller waits for another's refresh.
    `reads` gives units for lookups that write nothing (cheaper where the storage allows:
    no transaction); None: `uow`."""

    uow: CatalogUowFactory
    provider: Provider
    clock: Clock
    refresh_every: timedelta = timedelta(minutes=10)
    alert_percent: Decimal = Decimal(10)
    retry_after: timedelta = timedelta(seconds=60)
    lease: timedelta = timedelta(minutes=2)
    wait_for_other: float = 30.0
    poll_every: float = 0.2
    sleep: Callable[[float], None] = time.sleep
    reads: CatalogUowFactory | None = None
    holder: str = field(factory=lambda: uuid.uuid4().hex)


class RefreshInProgress(Conflict):
    """Another worker or instance is refreshing the catalog right now."""

    code = "refresh_in_progress"


def catalog_state(ports: CatalogPorts) -> CatalogState:
    with ports.uow() as uow:
        return uow.catalog.state()


def _claim(ports: CatalogPorts, holder: str) -> bool:
    now = ports.clock.now()
    with ports.uow() as uow:
        taken = uow.catalog.claim(holder, now, now + ports.lease)
        uow.commit()
    return taken


def try_refresh(ports: CatalogPorts) -> RefreshResult | None:
    """Refresh now unless another refresher holds the lease (then None).

    A ProviderError is recorded (the copy becomes stale) and propagates.
    """
    holder = f"{ports.holder}:{uuid.uuid4().hex[:8]}"
    if not _claim(ports, holder):
        return None
    try:
        services = ports.provider.services()  # logged for the caller's company, if any
    except ProviderError as exc:
        with ports.uow() as uow:
            uow.catalog.record_failure(holder, ports.clock.now(), str(exc) or type(exc).__name__)
            uow.commit()
        raise
    except BaseException:
        with ports.uow() as uow:
            uow.catalog.release(holder)
            uow.commit()
        raise
    now = ports.clock.now()
    with ports.uow() as uow:
        stored = uow.catalog.entries()
        # The first load is the baseline, not a list of 400 "added" services.
        changes = catalog_changes(stored, services, now, ports.alert_percent) if stored else []
        stored_changes = uow.catalog.apply(holder, services, changes, now)
        if stored_changes is None:
            log.warning("catalog_refresh_lost_lease holder=%s", holder)
            return None
        uow.commit()
    log.info("catalog_refreshed services=%d changes=%d", len(services), len(changes))
    return RefreshResult(now, tuple(stored_changes))


def refresh_catalog(ports: CatalogPorts) -> RefreshResult:
    """Refresh now (POST /services/refresh); waits for a refresh already running to end
    first, RefreshInProgress if it does not within `wait_for_other`."""
    for _ in range(_polls(ports)):
        result = try_refresh(ports)
        if result is not None:
            return result
        ports.sleep(ports.poll_every)
    raise RefreshInProgress("Another refresh of the catalog is running; retry in a moment.")


def is_due(state: CatalogState, now: datetime, ports: CatalogPorts) -> bool:
    if state.fetched_at is None:
        return state.attempted_at is None or now - state.attempted_at >= ports.retry_after
    if state.attempted_at is not None and state.error is not None:
        return now - state.attempted_at >= min(ports.retry_after, ports.refresh_every)
    return now - state.fetched_at >= ports.refresh_every


def refresh_if_due(ports: CatalogPorts) -> RefreshResult | None:
    """The background round's step: refresh when the copy is older than `refresh_every`
    (sooner after a failure: `retry_after`). ProviderError propagates (already recorded)."""
    if not is_due(catalog_state(ports), ports.clock.now(), ports):
        return None
    return try_refresh(ports)


def ensure_loaded(ports: CatalogPorts) -> CatalogState:
    """The state of a catalog that was loaded at least once: an empty one is refreshed
    first (or another instance's first refresh awaited). ProviderError when the panel
    cannot give it; ProviderUnavailable when another refresher does not finish in time."""
    state = catalog_state(ports)
    for _ in range(_polls(ports)):
        if state.fetched_at is not None:
            return state
        if try_refresh(ports) is None:
            ports.sleep(ports.poll_every)
        state = catalog_state(ports)
    if state.fetched_at is not None:
        return state
    raise ProviderUnavailable("The catalog is being loaded from the panel; retry in a moment.")


def _polls(ports: CatalogPorts) -> int:
    return max(1, int(ports.wait_for_other / ports.poll_every)) if ports.poll_every > 0 else 1
