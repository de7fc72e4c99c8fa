"""Liveness and readiness probes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import falcon

from social_scale_http.api import operation
from social_scale_http.schemas import OutModel


class Live(OutModel):
    status: Literal["ok"]


class Ready(OutModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
    provider_mode: Literal["sandbox", "live"]
    warning: str | None = None


class HealthResource:
    def __init__(self, ping_database: Callable[[], bool], sandbox: bool) -> None:
        self._ping = ping_database
        self._sandbox = sandbox

    @operation("Liveness: the process answers", tags=("health",), response=Live, public=True)
    def on_get_live(self, req: falcon.Request, resp: falcon.Response) -> Live:
        return Live(status="ok")

    @operation("Readiness: the database answers", tags=("health",), response=Ready,
               public=True, errors=(503,))
    def on_get_ready(self, req: falcon.Request, resp: falcon.Response) -> None:
        db_ok = self._ping()
        body = Ready(
            status="ok" if db_ok else "unavailable",
            database="ok" if db_ok else "unavailable",
            provider_mode="sandbox" if self._sandbox else "live",
            warning=(
                "SANDBOX: orders go to the built-in Fampage simulator, not to the real panel"
                if self._sandbox else None
            ),
        )
        resp.media = body.model_dump(mode="json", by_alias=True)
        resp.status = falcon.HTTP_200 if db_ok else falcon.HTTP_503
