"""The background round: named steps run one after the other, by `social-scale worker` and
by the runner inside `serve` alike (both call `build_round`).

To add periodic work (a catalog refresh, an outbox drain...), write a small function
`_my_step(container) -> Step` and append it in `round_steps`: both runners get it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime

import structlog
from attrs import define, field, frozen
from social_scale_adapters.db.heartbeats import Beat, record_beat
from social_scale_core.clock import Clock
from social_scale_core.panel_budget import background_calls
from social_scale_core.sync.worker import SyncDeps, sync_pass
from social_scale_http.metrics import SyncMetrics
from social_scale_wiring.container import Container
from social_scale_wiring.sync_config import sync_settings
from sqlalchemy import Engine

from social_scale_app.background.steps import (
    catalog_step,
    check_alerts,
    deliver_outbox,
    purge_step,
    send_reminders,
)

log = structlog.get_logger("social_scale.background")


@frozen
class Step:
    """One periodic job: `run` does one unit of it and raises when it failed. A failure
    of a step that `backs_off` (the sync: the panel or the database is down) makes the
    runner wait longer before the next round; any other failure is logged and the round
    goes on as usual."""

    name: str
    run: Callable[[], object]
    backs_off: bool = False


def sync_deps(container: Container) -> SyncDeps:
    return SyncDeps(orders=container.order_ports(), claims=container.uow,
                    settings=sync_settings(container.settings()), observer=SyncMetrics())


def _sync_step(container: Container) -> Step:
    """The status sync of open orders; it also refreshes refills and adjusts the invoices
    of partial and canceled orders (`sync_orders`)."""
    deps = sync_deps(container)
    return Step("sync", lambda: sync_pass(deps), backs_off=True)


def round_steps(container: Container) -> list[Step]:
    """Every step of one round, in order (append new periodic work here). Each runs even
    when an earlier one failed (mail goes out while the panel is down); the outbox comes
    last, so that this round's reminders and alert mails leave in it."""
    return [
        _sync_step(container),
        Step("catalog", catalog_step(container)),
        Step("reminders", lambda: send_reminders(container)),
        Step("alerts", lambda: check_alerts(container)),
        Step("housekeeping", purge_step(container)),
        Step("outbox", lambda: deliver_outbox(container)),
    ]


def build_round(container: Container, mode: str) -> BackgroundRound:
    """The round `mode` (`worker` or `serve`) repeats, with its heartbeat."""
    return BackgroundRound(round_steps(container), container.engine(), container.clock(), mode)


def runner_name() -> str:
    return f"{socket.gethostname()}/{os.getpid()}"[:128]


@define
class BackgroundRound:
    """Runs every step once per call. A failing step does not stop the ones after it; a
    failure of a step that `backs_off` is raised at the end (the caller backs off and
    logs it), every other one is logged here. After each round the runner's heartbeat
    (with the round's first failure) is written for `/health/ready`."""

    steps: list[Step]
    engine: Engine
    clock: Clock
    mode: str
    name: str = field(factory=runner_name)
    started_at: datetime | None = None
    last_ok_at: datetime | None = None
    rounds: int = 0
    results: dict[str, object] = field(factory=dict)  # what each step returned last

    def __call__(self) -> None:
        self.started_at = self.started_at or self.clock.now()
        first: Exception | None = None
        backoff: Exception | None = None
        for step in self.steps:
            try:
                with background_calls():  # placements an operator waits for come first
                    self.results[step.name] = step.run()
            except Exception as exc:
                first = first or exc
                if step.backs_off:
                    backoff = backoff or exc
                else:
                    log.exception("background_step_failed", step=step.name)
        self.rounds += 1
        if first is None:
            self.last_ok_at = self.clock.now()
        self._beat(first)
        if backoff is not None:
            raise backoff

    def _beat(self, error: Exception | None) -> None:
        try:
            record_beat(self.engine, Beat(
                runner=self.name, mode=self.mode, started_at=self.started_at or self.clock.now(),
                beat_at=self.clock.now(), last_ok_at=self.last_ok_at,
                last_error=None if error is None else f"{type(error).__name__}: {error}",
                rounds=self.rounds))
        except Exception:  # the database may be down: the next round tries again
            log.warning("background_heartbeat_failed", exc_info=True)
