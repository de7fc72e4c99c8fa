"""WEB_THREADS sizes what each worker's threads share: the database pool and the panel's
kept-alive connections (a thread must never wait for either while others wait on the panel)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError
from social_scale_app.gunicorn_app import options
from social_scale_wiring.container import Container
from social_scale_wiring.settings import Settings

PG_URL = "postgresql+psycopg://nobody@127.0.0.1:1/never_connected"


def test_web_threads_defaults_to_many_and_reads_the_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).web_threads == 16
    monkeypatch.setenv("WEB_THREADS", "24")
    assert Settings(_env_file=None).web_threads == 24
    monkeypatch.setenv("WEB_THREADS", "0")
    with pytest.raises(ValidationError, match="web_threads"):
        Settings(_env_file=None)


def test_gunicorn_runs_that_many_threads_per_worker() -> None:
    assert options("127.0.0.1", 3000, 2, 24)["threads"] == 24
    assert options("127.0.0.1", 3000, 2)["threads"] == 16


def test_the_pools_follow_web_threads(make_container: Callable[..., Container]) -> None:
    container = make_container(PG_URL, web_threads=24, fampage_api_key="k" * 20,
                               fampage_base_url="http://127.0.0.1:1/api/v2")
    engine = container.engine()
    assert engine.pool.size() >= 24  # type: ignore[attr-defined]
    http = container.provider()._http
    pool = http._transport._pool  # type: ignore[attr-defined]  # httpcore's, behind httpx
    assert pool._max_keepalive_connections >= 24
    assert pool._max_connections >= 24
