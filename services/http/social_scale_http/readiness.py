"""What `/health/ready` reports: the database, the schema against the code's migrations,
the panel at the last call, and the background round (its heartbeat and the sync lag)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from attrs import frozen
from social_scale_adapters.db.engine import ping
from social_scale_adapters.db.heartbeats import Beat, latest_beat
from social_scale_adapters.db.migrate import current_revision, head_revision
from social_scale_adapters.db.readiness import last_panel_call
from social_scale_core.clock import Clock
from social_scale_core.sync.ports import SyncUowFactory
from social_scale_core.sync.worker import SyncSettings, oldest_open_check
from sqlalchemy import Engine

SyncState = Literal["running", "failing", "stale", "not_started", "unknown"]


@frozen
class SchemaState:
    revision: str | None
    head: str

    @property
    def current(self) -> bool:
        return self.revision == self.head


@frozen
class SyncReport:
    runs_in: Literal["serve", "worker"]
    state: SyncState
    last_round_at: datetime | None
    last_error: str | None
    lag_seconds: float | None


def sync_state(beat: Beat | None, now: datetime, sync: SyncSettings) -> SyncState:
    """`stale`: no round ended for three intervals (plus the longest back-off while the
    last round failed); `failing`: the last round failed; else `running`."""
    if beat is None:
        return "not_started"
    allowance = 3 * sync.interval + (sync.backoff_max if beat.last_error else 30)
    if now - beat.beat_at > timedelta(seconds=allowance):
        return "stale"
    return "failing" if beat.last_error else "running"


class Readiness:
    """Reads every part of the report; each read that fails says `unknown`, never raises."""

    def __init__(self, engine: Engine, claims: SyncUowFactory, clock: Clock,
                 sync: SyncSettings, in_serve: bool) -> None:
        self._engine, self._claims, self._clock = engine, claims, clock
        self._sync, self._in_serve = sync, in_serve
        self._head = head_revision()

    def database(self) -> bool:
        return ping(self._engine)

    def schema(self) -> SchemaState:
        try:
            return SchemaState(current_revision(self._engine), self._head)
        except Exception:
            return SchemaState(None, self._head)

    def panel(self) -> tuple[bool | None, datetime | None]:
        try:
            call = last_panel_call(self._engine)
        except Exception:
            return None, None
        return (None, None) if call is None else (call.reachable, call.at)

    def background(self) -> SyncReport:
        runs_in: Literal["serve", "worker"] = "serve" if self._in_serve else "worker"
        now = self._clock.now()
        try:
            beat = latest_beat(self._engine)
            oldest = oldest_open_check(self._claims)
        except Exception:
            return SyncReport(runs_in, "unknown", None, None, None)
        lag = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
        return SyncReport(runs_in, sync_state(beat, now, self._sync),
                          beat.beat_at if beat else None, beat.last_error if beat else None,
                          round(lag, 1))
