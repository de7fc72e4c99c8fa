"""Request hygiene, headers and secrets at rest (issue 12, items 7, 9, 10) against gunicorn
over real sockets: 415 for non-JSON bodies, 400 past 32 levels of nesting, 422 naming a
date filter outside 1970..2100, Vary: Origin with CORS, files private from creation."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import _stop, _wait_ready, free_port
from tests.e2e.panel import admin_client

pytestmark = pytest.mark.e2e
LOGIN = {"email": "nobody@agency.in", "password": "a guess of someone"}


def nested(depth: int) -> bytes:
    return b'{"email": ' + b'{"a": ' * (depth - 1) + b"1" + b"}" * depth


def test_bodies_must_be_json_and_shallow(live_server: Callable[..., str]) -> None:
    url = f"{live_server()}/api/v1/auth/login"
    body = json.dumps(LOGIN).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", "", "application/jsonp"):
        refused = httpx.post(url, content=body, headers={"Content-Type": content_type})
        assert refused.status_code == 415, (content_type, refused.text)
        assert refused.json()["code"] == "unsupported_media_type"
    for content_type in ("application/json", "application/json; charset=utf-8",
                         "Application/JSON"):
        assert httpx.post(url, content=body, headers={"Content-Type": content_type}
                          ).status_code == 401, content_type
    for depth in (33, 995, 100_000):
        deep = httpx.post(url, content=nested(depth),
                          headers={"Content-Type": "application/json"})
        assert deep.status_code == 400, (depth, deep.text[:200])
        assert deep.json()["code"] == "json_too_deep" and "Traceback" not in deep.text
    shallow = httpx.post(url, content=nested(31), headers={"Content-Type": "application/json"})
    assert shallow.status_code == 422  # deep enough to be wrong, not too deep to read


@pytest.mark.parametrize(("path", "param", "value"), [
    ("/invoices", "to", "9999-12-31"),
    ("/orders", "to", "0001-01-01T00:00:00+14:00"),
    ("/analytics", "from", "0001-01-01T00:00:00+01:00"),
    ("/orders", "from", "1969-12-31"),
    ("/analytics/stats", "to", "2101-01-01"),
    ("/invoices", "from", "0001-01-01T00:00:00-12:00"),
])
def test_dates_outside_1970_to_2100_are_422_naming_the_parameter(
        live_server: Callable[..., str], db_env: dict[str, str], path: str, param: str,
        value: str) -> None:
    api = admin_client(live_server(**db_env))
    result = api.get(path, params={param: value})
    assert result.status_code == 422, result.text
    assert [e["field"] for e in result.json()["errors"]] == [param]
    assert "1970-01-01" in result.json()["errors"][0]["message"]
    assert api.get(path, params={param: "2100-12-31"}).status_code == 200


def test_cors_answers_vary_by_origin(live_server: Callable[..., str]) -> None:
    base = live_server(CORS_ORIGINS="https://ops.example")
    for headers in ({"Origin": "https://ops.example"}, {"Origin": "https://evil.example"}, {}):
        result = httpx.get(f"{base}/health/live", headers=headers)
        assert "origin" in result.headers.get("vary", "").lower(), headers
    preflight = httpx.options(f"{base}/api/v1/auth/login", headers={
        "Origin": "https://ops.example", "Access-Control-Request-Method": "POST"})
    assert "origin" in preflight.headers.get("vary", "").lower()
    assert preflight.headers["access-control-allow-origin"] == "https://ops.example"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_database_and_secret_are_private_from_creation(
        tmp_path: Path) -> None:
    """With a umask that would leave everything world-readable, the files are still
    private: the modes are given at creation, not fixed afterwards."""
    data = tmp_path / "fresh" / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SMTP_", "FAMPAGE_", "JWT_"))}
    env.update({"DATABASE_URL": f"sqlite:///{data / 'app.db'}", "APP_ENV": "development",
                "PORT": str(port), "WEB_CONCURRENCY": "1", "PASSWORD_HASH_PROFILE": "fast"})
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "social_scale_app.cli", "serve"],
                                env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, umask=0)
    try:
        _wait_ready(f"http://127.0.0.1:{port}", proc, log, 60)
        assert _mode(data) == 0o700
        assert _mode(data / "app.db") == 0o600
        assert _mode(data / ".jwt_secret") == 0o600
        for sidecar in data.glob("app.db-*"):  # SQLite's -wal and -shm take the file's mode
            assert _mode(sidecar) == 0o600, sidecar
    finally:
        _stop(proc)
