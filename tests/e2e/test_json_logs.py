"""Every process writes one JSON object per line: serve (gunicorn's master and workers,
the sandbox panel it starts, the background round), worker, simulator, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import E2E_SECRET, ServerFactory, free_port, log_lines

pytestmark = pytest.mark.e2e
FIELDS = {"time", "level", "logger", "event"}


def _cli(tmp_path: Path, *args: str, **env: str) -> str:
    values = {k: v for k, v in os.environ.items() if not k.startswith(("FAMPAGE_", "SANDBOX_"))}
    values.update({"APP_ENV": "test", "JWT_SECRET": E2E_SECRET, "LOG_LEVEL": "INFO",
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e0.db'}", **env})
    done = subprocess.run([sys.executable, "-m", "social_scale_app.cli", *args], env=values,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _all_structured(output: str) -> list[dict[str, Any]]:
    entries = log_lines(output)  # fails on the first line that is not JSON
    assert entries, "the process logged nothing"
    for entry in entries:
        assert entry.keys() >= FIELDS, entry
    return entries


def test_serve_and_its_children_log_json_only(live_server: ServerFactory,
                                              tmp_path: Path) -> None:
    base = live_server(LOG_LEVEL="INFO", unset=("SYNC_IN_SERVE",))
    assert httpx.get(f"{base}/api/v1/orders").status_code == 401
    assert httpx.get(f"{base}/api/v1/api-integrations/balance").status_code == 401
    httpx.get(f"{base}/health/ready")
    time.sleep(1)
    entries = _all_structured((tmp_path / "server0.log").read_text())
    loggers = {e["logger"] for e in entries}
    assert {"social_scale.cli", "social_scale.http", "social_scale.background"} <= loggers
    requests = [e for e in entries if e["event"] == "request"]
    assert requests and all(len(str(e["request_id"])) >= 16 for e in requests)
    assert any(e["event"] == "simulator_serving" for e in entries)  # the sandbox panel


def test_worker_migrate_backup_and_simulator_log_json_only(tmp_path: Path) -> None:
    _all_structured(_cli(tmp_path, "migrate"))
    panel_env = {"FAMPAGE_API_KEY": "k", "FAMPAGE_BASE_URL": "http://127.0.0.1:9/api/v2"}
    worker = _all_structured(_cli(tmp_path, "worker", "--once", **panel_env))
    assert any(e["event"] == "worker_round_done" for e in worker)
    _all_structured(_cli(tmp_path, "backup", "--to", str(tmp_path / "copy.db")))
    _all_structured(_cli(tmp_path, "analytics-rebuild"))
    port = free_port()
    sim = subprocess.Popen(
        [sys.executable, "-m", "social_scale_app.cli", "simulator", "--port", str(port),
         "--verbose"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env={**os.environ, "LOG_LEVEL": "INFO"})
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.post(f"http://127.0.0.1:{port}/api/v2", data={"key": "sim-key",
                                                                    "action": "balance"})
                time.sleep(1)  # wsgiref logs a request after its answer went out
                break
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        sim.terminate()
        out, _ = sim.communicate(timeout=10)
    entries = _all_structured(out)
    assert any(e["event"] == "simulator_request" for e in entries)
    assert "sim-key" not in out
