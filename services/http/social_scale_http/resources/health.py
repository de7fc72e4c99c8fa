"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

import falcon

from social_scale_http.api import operation
from social_scale_http.readiness import Readiness
from social_scale_http.schemas import OutModel, UtcDateTime

SANDBOX_WARNING = "SANDBOX: orders go to the built-in Fampage simulator, not to the real panel"


class Live(OutModel):
    status: Literal["ok"]


class SchemaOut(OutModel):
    revision: str | None
    head: str
    up_to_date: bool


class PanelOut(OutModel):
    reachable: bool | None  # None: no call yet
    last_call_at: UtcDateTime | None


class BackgroundSyncOut(OutModel):
    runs_in: Literal["serve", "worker"]
    state: Literal["running", "failing", "stale", "not_started", "unknown"]
    last_round_at: UtcDateTime | None
    last_error: str | None
    lag_seconds: float | None


class Ready(OutModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
    migrations: SchemaOut
    panel: PanelOut
    background_sync: BackgroundSyncOut
    provider_mode: Literal["sandbox", "live"]
    warning: str | None = None


def _ready(probe: Readiness, sandbox: bool) -> Ready:
    db_ok = probe.database()
    schema = probe.schema()
    reachable, at = probe.panel() if db_ok else (None, None)
    sync = probe.background()
    return Ready(
        status="ok" if db_ok and schema.current else "unavailable",
        database="ok" if db_ok else "unavailable",
        migrations=SchemaOut(revision=schema.revision, head=schema.head,
                          up_to_date=schema.current),
        panel=PanelOut(reachable=reachable, last_call_at=at),
        background_sync=BackgroundSyncOut(
            runs_in=sync.runs_in, state=sync.state, last_round_at=sync.last_round_at,
            last_error=sync.last_error, lag_seconds=sync.lag_seconds),
        provider_mode="sandbox" if sandbox else "live",
        warning=SANDBOX_WARNING if sandbox else None,
    )


class HealthResource:
    def __init__(self, probe: Readiness, sandbox: bool) -> None:
        self._probe = probe
        self._sandbox = sandbox

    @operation("Liveness: the process answers", tags=("health",), response=Live, public=True)
    def on_get_live(self, req: falcon.Request, resp: falcon.Response) -> Live:
        return Live(status="ok")

    @operation("Readiness: the database answers at the schema the code expects; also the "
               "panel at the last call and the background sync", tags=("health",),
               response=Ready, public=True, errors=(503,))
    def on_get_ready(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = _ready(self._probe, self._sandbox)
        resp.media = body.model_dump(mode="json", by_alias=True)
        resp.status = falcon.HTTP_200 if body.status == "ok" else falcon.HTTP_503

