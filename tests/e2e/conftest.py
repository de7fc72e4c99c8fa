"""End-to-end fixtures: the real `social-scale serve` (gunicorn) on a free local port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

# Random-looking: production refuses secrets of low entropy.
E2E_SECRET = "e2e-Qm7vX2pL9sKd4RtY8wZc1NfH6jB3gT5uEaV0oIyMxWq"
# What the e2e admin helpers send as X-Bootstrap-Token (servers that need it set it).
E2E_BOOTSTRAP = "e2e-bootstrap-Hq3Lr8Vw2Zt6Nc1Pj5Kd9Bs4"
ServerFactory = Callable[..., str]


def log_lines(output: str) -> list[dict[str, Any]]:
    """Every line a process wrote, each parsed as the JSON object it must be."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def round_done(output: str) -> dict[str, Any]:
    """The `worker --once` line reporting its round (`synced`: orders brought current)."""
    return next(e for e in log_lines(output) if e["event"] == "worker_round_done")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base_url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server not ready after {timeout}s:\n{log.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Factory: `live_server(**env)` starts gunicorn with that env and returns its base URL.

    Defaults: a fresh SQLite file in tmp_path, APP_ENV=test, a fixed JWT_SECRET,
    WEB_CONCURRENCY=2, cheap password hashing and SYNC_IN_SERVE=off; keyword arguments
    override or add variables (e.g. SMTP_HOST="127.0.0.1"), `unset` names variables to
    leave out entirely. Every server is terminated after the test.
    """
    started: list[subprocess.Popen[bytes]] = []

    def start(timeout: float = 30, unset: tuple[str, ...] = (), **env: str) -> str:
        port = free_port()
        n = len(started)
        values = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "FAMPAGE_"))}
        values.update({
            "DATABASE_URL": f"sqlite:///{tmp_path / f'e2e{n}.db'}",
            "APP_ENV": "test", "JWT_SECRET": E2E_SECRET, "WEB_CONCURRENCY": "2",
            "PASSWORD_HASH_PROFILE": "fast", "PORT": str(port), "LOG_LEVEL": "WARNING",
            # Tests that run `worker` or watch statuses move by hand want serve still.
            "SYNC_IN_SERVE": "off",
        })
        values.update(env)
        for name in unset:  # the service's own default, as in the README's quick start
            values.pop(name, None)
        log = tmp_path / f"server{n}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "social_scale_app.cli", "serve", "--host", "127.0.0.1"],
                env=values, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(proc)
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(base_url, proc, log, timeout)
        return base_url

    yield start
    for proc in started:
        _stop(proc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Server environment for each backend: {} (the fixture's SQLite file) or a private
    PostgreSQL database's DATABASE_URL."""
    if request.param == "sqlite":
        yield {}
        return
    from tests.e2e.panel import private_postgres

    with private_postgres() as url:
        if url is None:
            from tests.conftest import _postgres_unavailable

            _postgres_unavailable("no PostgreSQL server answers")
        yield {"DATABASE_URL": str(url)}
