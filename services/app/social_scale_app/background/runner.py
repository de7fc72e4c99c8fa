"""The background round inside `serve` (SYNC_IN_SERVE): every gunicorn worker starts a
runner thread, and only the one holding the lead (`leader`) runs rounds; the others
keep trying, so the lead moves on when its holder exits or is killed."""

from __future__ import annotations

import threading
from pathlib import Path

import structlog
from social_scale_core.sync.worker import SyncWorker
from social_scale_wiring.container import Container
from social_scale_wiring.settings import Settings

from social_scale_app.background.leader import AdvisoryLeader, FileLeader, Leader
from social_scale_app.background.round import build_round, sync_deps

log = structlog.get_logger("social_scale.background")
RETRY_LEAD_EVERY = 5.0  # seconds between a follower's attempts to take the lead


def lock_path(settings: Settings) -> Path:
    base = settings.sqlite_path or Path("data") / "social_scale"
    return base.with_name(base.name + ".background.lock")


def make_leader(settings: Settings, container: Container) -> Leader:
    if settings.database_url.startswith("sqlite"):
        return FileLeader(lock_path(settings))
    return AdvisoryLeader(container.engine())


class InProcessRunner:
    """A daemon thread repeating the background round while this process leads."""

    def __init__(self, container: Container, leader: Leader | None = None,
                 retry_every: float = RETRY_LEAD_EVERY) -> None:
        settings = container.settings()
        self._leader = leader or make_leader(settings, container)
        self._retry = retry_every
        self._stop = threading.Event()
        self._worker = SyncWorker(sync_deps(container), wait=self._stop.wait,
                                  run_round=build_round(container, "serve"))
        self._thread = threading.Thread(target=self._run, name="background", daemon=True)
        self.leading = False

    def start(self) -> InProcessRunner:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _take_lead(self) -> bool:
        try:
            leading = self._leader.acquire()
        except Exception:  # the database is away: try again later
            log.warning("background_lead_unavailable", exc_info=True)
            leading = False
        if leading != self.leading:
            log.info("background_lead_taken" if leading else "background_lead_lost")
            self.leading = leading
        return leading

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._take_lead():
                    self._stop.wait(self._retry)
                    continue
                self._worker.step()
                self._worker.wait(self._worker.next_delay())
        finally:
            self._leader.release()
            self.leading = False
