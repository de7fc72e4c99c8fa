"""`social-scale worker` and `social-scale reconcile`: the background round, wired."""

from __future__ import annotations

import signal
import threading
import time
from datetime import timedelta
from typing import Any

import structlog
from dependency_injector import providers
from social_scale_adapters.db.analytics.rollup_folder import (
    RollupFolder,
    fold_pending,
    vacuum_deltas,
)
from social_scale_core.sync.worker import SyncWorker, needing_review
from social_scale_wiring.container import Container
from social_scale_wiring.settings import Settings
from social_scale_wiring.sync_config import sync_settings

from social_scale_app.background.round import build_round, round_steps, sync_deps
from social_scale_app.background.steps import (
    catalog_step,
    check_alerts,
    deliver_outbox,
    send_reminders,
)

__all__ = ["catalog_step", "check_alerts", "deliver_outbox", "reconcile", "round_steps",
           "run_worker", "send_reminders", "sync_deps", "sync_settings"]
log = structlog.get_logger("social_scale.worker")


def _container(settings: Settings) -> Container:
    container = Container()
    container.settings.override(providers.Object(settings))
    return container


def _once(container: Container) -> int:
    started = time.perf_counter()
    background = build_round(container, "worker")
    background()
    log.info("worker_round_done", synced=background.results.get("sync"),
             seconds=round(time.perf_counter() - started, 3))
    if fold_pending(container.engine()):
        vacuum_deltas(container.engine())
    return 0


def run_worker(settings: Settings, *, once: bool, metrics_port: int | None) -> int:
    """Rounds until SIGTERM/SIGINT (or one round with `once`); 0 on a clean stop."""
    container = _container(settings)
    if once:
        return _once(container)
    port = metrics_port or settings.worker_metrics_port
    if port:
        from social_scale_app.worker_health import serve_health

        serve_health(container, settings.worker_metrics_host, port)
    if settings.sqlite_path is not None:
        log.warning("worker_on_sqlite", message="run a single worker per SQLite database")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    deps = sync_deps(container)
    log.info("worker_started", interval_s=deps.settings.interval,
             batch_size=deps.settings.batch_size, concurrency=deps.settings.concurrency)
    folder = RollupFolder(container.engine()).start()
    SyncWorker(deps, wait=stop.wait, run_round=build_round(container, "worker")).run(stop)
    folder.stop()
    container.engine().dispose()
    log.info("worker_stopped")
    return 0


def reconcile(settings: Settings, stale_minutes: int) -> list[Any]:
    """The orders needing review (see `needing_review`)."""
    container = _container(settings)
    try:
        return needing_review(container.uow, container.clock().now(),
                              timedelta(minutes=stale_minutes))
    finally:
        container.engine().dispose()
