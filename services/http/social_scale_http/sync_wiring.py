"""`social-scale worker` and `social-scale reconcile`: the sync use cases, wired."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from dependency_injector import providers
from social_scale_adapters.db.rollup_folder import RollupFolder, fold_pending, vacuum_deltas
from social_scale_core.alerts.raising import raise_alerts
from social_scale_core.catalog import refresh_if_due
from social_scale_core.delivery.drain import drain_outbox
from social_scale_core.delivery.reminders import queue_reminders
from social_scale_core.errors import ProviderError
from social_scale_core.sync.worker import (
    SyncDeps,
    SyncSettings,
    SyncWorker,
    needing_review,
    run_steps,
    sync_pass,
)

from social_scale_http.container import Container
from social_scale_http.metrics import SyncMetrics
from social_scale_http.settings import Settings

log = logging.getLogger("social_scale.worker")


def sync_settings(settings: Settings) -> SyncSettings:
    """One batch at a time on SQLite (a single writer), `SYNC_CONCURRENCY` elsewhere."""
    return SyncSettings(
        interval=settings.sync_interval.total_seconds(), batch_size=settings.sync_batch_size,
        concurrency=(1 if settings.database_url.startswith("sqlite")
                     else settings.sync_concurrency))


def deliver_outbox(container: Container) -> int:
    """Round step: send the invoice mails, reminders and alert mails that are due."""
    return drain_outbox(container.delivery_ports())


def send_reminders(container: Container) -> int:
    """Round step: queue the reminders of overdue invoices (INVOICE_REMINDER_DAYS)."""
    return queue_reminders(container.delivery_ports())


def check_alerts(container: Container) -> int:
    """Round step: open and resolve operator alerts; mail and push the new ones."""
    return len(raise_alerts(container.alert_ports()))


def delivery_steps(container: Container) -> tuple[Callable[[], None], ...]:
    """The round's steps of issue 16; the outbox last, so that this round's reminders and
    alert mails leave in it."""
    def send_invoice_reminders() -> None:
        send_reminders(container)

    def raise_operator_alerts() -> None:
        check_alerts(container)

    def drain_mail_outbox() -> None:
        deliver_outbox(container)

    return (send_invoice_reminders, raise_operator_alerts, drain_mail_outbox)


def sync_deps(container: Container) -> SyncDeps:
    return SyncDeps(orders=container.order_ports(), claims=container.uow,
                    settings=sync_settings(container.settings()), observer=SyncMetrics())


def catalog_step(container: Container) -> Callable[[], None]:
    """The round's catalog step (issue 15): refresh the stored catalog when CATALOG_REFRESH
    has passed; a failing panel is recorded (the copy turns stale) and retried later."""
    ports = container.catalog_ports()

    def refresh_catalog_if_due() -> None:
        try:
            refresh_if_due(ports)
        except ProviderError as exc:
            log.warning("catalog_refresh_failed error=%s", exc)

    return refresh_catalog_if_due


def round_steps(container: Container) -> tuple[Callable[[], None], ...]:
    """The periodic jobs of a round besides the order sync, in order."""
    return (catalog_step(container), *delivery_steps(container))


def _container(settings: Settings) -> Container:
    container = Container()
    container.settings.override(providers.Object(settings))
    return container


def run_worker(settings: Settings, *, once: bool, metrics_port: int | None) -> int:
    """Sync until SIGTERM/SIGINT (or one pass with `once`); 0 on a clean stop."""
    container = _container(settings)
    deps = sync_deps(container)
    if once:
        started = time.perf_counter()
        try:
            synced = sync_pass(deps)
        finally:
            run_steps(round_steps(container))  # mail goes out even while the panel is down
        print(f"worker: synced {synced} open orders in "
              f"{time.perf_counter() - started:.2f}s", flush=True)
        if fold_pending(container.engine()):
            vacuum_deltas(container.engine())
        return 0
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr="127.0.0.1")
    if settings.sqlite_path is not None:
        log.warning("worker_on_sqlite: run a single worker per SQLite database")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"worker: syncing open orders every {deps.settings.interval:g}s "
          f"(batches of {deps.settings.batch_size}, {deps.settings.concurrency} at once)",
          flush=True)
    folder = RollupFolder(container.engine()).start()
    SyncWorker(deps, wait=stop.wait, steps=round_steps(container)).run(stop)
    folder.stop()
    container.engine().dispose()
    return 0


def reconcile(settings: Settings, stale_minutes: int) -> list[Any]:
    """The orders needing review (see `needing_review`)."""
    container = _container(settings)
    try:
        return needing_review(container.uow, container.clock().now(),
                              timedelta(minutes=stale_minutes))
    finally:
        container.engine().dispose()
