"""`/health/ready` tells the truth: 503 while migrations are pending, the schema revision,
the panel at the last call, the background round's heartbeat and lag; the worker serves
the same on WORKER_METRICS_HOST:WORKER_METRICS_PORT."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from falcon import testing
from social_scale_adapters.db.heartbeats import Beat, record_beat
from social_scale_adapters.db.migrate import downgrade, head_revision, upgrade
from social_scale_app.app import create_app
from social_scale_app.background.round import build_round
from social_scale_app.worker_health import serve_health
from social_scale_core.sync.worker import SyncSettings
from social_scale_http.readiness import sync_state
from social_scale_wiring.container import Container

from tests.http.conftest import admin_client

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _ready(container: Container) -> testing.Result:
    return testing.TestClient(create_app(container)).simulate_get("/health/ready")


def test_ready_reports_schema_panel_and_background(
        make_container: Callable[..., Container]) -> None:
    container = make_container()
    body = _ready(container).json
    assert body["status"] == "ok"
    assert body["migrations"] == {"revision": head_revision(), "head": head_revision(),
                                  "upToDate": True}
    assert body["panel"] == {"reachable": None, "lastCallAt": None}
    assert body["backgroundSync"]["runsIn"] == "serve"  # SQLite: auto means in serve
    assert body["backgroundSync"]["state"] == "not_started"
    client, headers = admin_client(container)
    assert client.simulate_get("/api/v1/api-integrations/balance",
                               headers=headers).status_code == 200
    build_round(container, "serve")()  # one round, as the runner does
    body = client.simulate_get("/health/ready").json
    assert body["panel"]["reachable"] is True and body["panel"]["lastCallAt"].endswith("Z")
    assert body["backgroundSync"]["state"] == "running"
    assert body["backgroundSync"]["lagSeconds"] == 0


def test_ready_fails_while_migrations_are_pending(
        make_container: Callable[..., Container]) -> None:
    container = make_container(sync_in_serve="off")
    downgrade(container.engine(), "-1")
    result = _ready(container)
    assert result.status_code == 503
    assert result.json["migrations"]["upToDate"] is False
    assert result.json["database"] == "ok"
    assert result.json["backgroundSync"]["runsIn"] == "worker"
    upgrade(container.engine())
    assert _ready(container).status_code == 200


def _beat(at: datetime, error: str | None = None) -> Beat:
    return Beat(runner="h/1", mode="worker", started_at=at, beat_at=at, last_ok_at=None,
                last_error=error, rounds=1)


def test_sync_state_from_the_heartbeat() -> None:
    sync = SyncSettings(interval=30)
    assert sync_state(None, NOW, sync) == "not_started"
    assert sync_state(_beat(NOW - timedelta(seconds=60)), NOW, sync) == "running"
    assert sync_state(_beat(NOW - timedelta(seconds=200)), NOW, sync) == "stale"
    assert sync_state(_beat(NOW - timedelta(seconds=200), "ProviderUnavailable: down"),
                      NOW, sync) == "failing"  # backing off, not gone
    assert sync_state(_beat(NOW - timedelta(hours=1), "x"), NOW, sync) == "stale"


def test_a_failing_round_shows_its_error(make_container: Callable[..., Container]) -> None:
    container = make_container()
    record_beat(container.engine(), _beat(datetime.now(UTC), "ProviderTimeout: add"))
    sync = _ready(container).json["backgroundSync"]
    assert (sync["state"], sync["lastError"]) == ("failing", "ProviderTimeout: add")


def test_the_worker_serves_health_and_metrics(make_container: Callable[..., Container]) -> None:
    container = make_container()
    server = serve_health(container, "127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        assert httpx.get(f"{base}/health/live").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/health/ready").json()
        assert ready["status"] == "ok" and ready["backgroundSync"]["runsIn"] == "worker"
        assert "social_scale_sync_lag_seconds" in httpx.get(f"{base}/metrics").text
    finally:
        server.shutdown()
        server.server_close()
