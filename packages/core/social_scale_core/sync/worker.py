"""The sync loop: lease a batch of open orders, ask the panel (one many-status call of up
to 100 ids), record the answers through the orders' own sync use case, repeat; then wait
the interval (with jitter), backing off exponentially while the panel fails."""

from __future__ import annotations

import contextvars
import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Protocol

from attrs import define, field, frozen

from social_scale_core.errors import ProviderError
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.tracking import sync_orders
from social_scale_core.sync.ports import ReviewItem, SyncUowFactory

log = logging.getLogger("social_scale.sync")
MAX_BATCH = 100  # the panel's limit of ids per many-status call


@frozen
class SyncSettings:
    """`interval` seconds between passes, varied by +-`jitter` (a fraction) so that workers
    drift apart; `lease` is how long a claimed batch stays reserved to one worker;
    `concurrency` batches are synced at once (threads; each claims its own batch);
    `refill_checks` bounds the refill-status calls of a batch (one per open refill)."""

    interval: float = 30.0
    jitter: float = 0.2
    batch_size: int = MAX_BATCH
    concurrency: int = 1
    refill_checks: int = 10
    lease: timedelta = timedelta(minutes=5)
    backoff_base: float = 5.0
    backoff_max: float = 600.0


class SyncObserver(Protocol):
    """Told what the sync does (metrics listen here). Must not raise."""

    def synced(self, orders: int) -> None: ...

    def failed(self) -> None: ...


class NoObserver:
    def synced(self, orders: int) -> None:
        pass

    def failed(self) -> None:
        pass


@frozen
class SyncDeps:
    orders: OrderPorts
    claims: SyncUowFactory
    settings: SyncSettings = field(factory=SyncSettings)
    observer: SyncObserver = field(factory=NoObserver)


def _claim(deps: SyncDeps, due: datetime) -> list[int]:
    now = deps.orders.clock.now()
    limit = max(1, min(deps.settings.batch_size, MAX_BATCH))
    with deps.claims() as uow:
        ids = uow.sync_claims.claim(limit, now, due, now + deps.settings.lease)
        uow.commit()
    return ids


def _release(deps: SyncDeps, ids: list[int], checked: bool) -> None:
    with deps.claims() as uow:
        uow.sync_claims.release(ids, deps.orders.clock.now() if checked else None)
        uow.commit()


def sync_batch(deps: SyncDeps, due: datetime) -> int:
    """Sync one leased batch of orders last checked before `due`; returns how many were
    claimed (0: nothing is due). A ProviderError ends the leases and propagates."""
    ids = _claim(deps, due)
    if not ids:
        return 0
    try:
        results = sync_orders(deps.orders, ids, refill_checks=deps.settings.refill_checks)
    except ProviderError:
        _release(deps, ids, checked=False)
        raise
    unanswered = [i for i, result in results.items() if isinstance(result, str)]
    _release(deps, ids, checked=False)
    if unanswered:
        _release(deps, unanswered, checked=True)
    deps.observer.synced(len(ids) - len(unanswered))
    return len(ids)


def _drain(deps: SyncDeps, due: datetime, stop: threading.Event) -> int:
    total = 0
    try:
        while not stop.is_set() and (claimed := sync_batch(deps, due)) > 0:
            total += claimed
    except BaseException:
        stop.set()  # the other threads finish their batch and stop
        raise
    return total


def sync_pass(deps: SyncDeps) -> int:
    """Bring every open order current once: batches until none checked before this pass
    began is left, `concurrency` at a time (the leases keep their orders apart). Returns
    the number of orders synced; the first failure propagates once all threads stopped."""
    started = deps.orders.clock.now()
    threads = max(1, deps.settings.concurrency)
    if threads == 1:
        return _drain(deps, started, threading.Event())
    stop = threading.Event()
    with ThreadPoolExecutor(threads, thread_name_prefix="sync") as pool:
        # Each thread runs in a copy of this context: the panel call priority goes along.
        futures = [pool.submit(contextvars.copy_context().run, _drain, deps, started, stop)
                   for _ in range(threads)]
    for future in futures:
        if (error := future.exception()) is not None:
            raise error
    return sum(future.result() for future in futures)


def oldest_open_check(claims: SyncUowFactory) -> datetime | None:
    """When the least recently checked open order was last checked (the sync's lag)."""
    with claims() as uow:
        return uow.sync_claims.oldest_check()


def needing_review(claims: SyncUowFactory, now: datetime, stale_after: timedelta,
                   limit: int = 1000) -> list[ReviewItem]:
    """Orders for a person to resolve: `unknown`, or `submitting` for over `stale_after`."""
    with claims() as uow:
        return uow.sync_claims.needing_review(now - stale_after, limit)


def run_steps(steps: tuple[Callable[[], None], ...]) -> None:
    """Run each step of the round; one failing never stops the others (nor the worker)."""
    for step in steps:
        try:
            step()
        except Exception:
            log.exception("round_step_crashed",
                          extra={"step": getattr(step, "__name__", repr(step))})


@define
class SyncWorker:
    """Runs rounds until `stop` is set; `wait` sleeps (returns True when stopped early).

    A round is `run_round` when given (the background round of named steps, which the
    worker and `serve` share), else one `sync_pass` followed by `steps`, the other
    periodic jobs, each catching and logging its own failures (see `run_steps`); a round
    that raises backs the next one off.
    """

    deps: SyncDeps
    wait: Callable[[float], bool]
    rng: random.Random = field(factory=random.Random)
    failures: int = 0
    steps: tuple[Callable[[], None], ...] = ()
    run_round: Callable[[], object] | None = None

    def next_delay(self) -> float:
        s = self.deps.settings
        if self.failures:
            backoff: float = s.backoff_base * 2 ** (self.failures - 1)
            return min(s.backoff_max, backoff)
        return s.interval * (1 + self.rng.uniform(-s.jitter, s.jitter))

    def step(self) -> None:
        """One pass, then the other jobs of the round (they run even when the sync
        failed); remembers a sync failure (panel or storage) to back off before the next."""
        try:
            self._sync()
        finally:
            run_steps(self.steps)

    def _sync(self) -> None:
        try:
            if self.run_round is not None:
                self.run_round()
            else:
                sync_pass(self.deps)
            self.failures = 0
        except ProviderError as exc:
            self.failures += 1
            self.deps.observer.failed()
            log.warning("sync_pass_failed",
                        extra={"failures": self.failures, "error": str(exc)})
        except Exception:
            # The database, say, is restarting: back off like for the panel, do not die.
            self.failures += 1
            self.deps.observer.failed()
            log.exception("sync_pass_crashed", extra={"failures": self.failures})

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.step()
            if self.wait(self.next_delay()):
                return
