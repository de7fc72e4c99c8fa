"""The sandbox panel for `serve`: one simulator process shared by every gunicorn worker.

Each worker building its own in-process simulator would give each its own books (an order
placed through one worker unknown to the next), so `serve` starts a single simulator on a
loopback port, keeps its books in `data/sandbox-panel.json`, and points the workers at it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from social_scale_wiring.provider_wiring import SANDBOX_API_KEY
from social_scale_wiring.settings import Settings

ENV_URL = "SANDBOX_PANEL_URL"
URL_FILE = "sandbox-panel.url"  # where `worker` finds the panel `serve` started


def _data_dir(settings: Settings) -> Path:
    return settings.sqlite_path.parent if settings.sqlite_path else Path("data")


def shared_panel_url(settings: Settings) -> str | None:
    """The URL of the sandbox panel a running `serve` shares, if there is one."""
    path = _data_dir(settings) / URL_FILE
    return path.read_text().strip() or None if path.exists() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait_for(port: int, proc: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the sandbox panel (Fampage simulator) failed to start")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the sandbox panel (Fampage simulator) did not start in time")


def start_panel(settings: Settings) -> subprocess.Popen[bytes]:
    """Start the shared simulator and export its URL to the workers (via the environment)."""
    base = _data_dir(settings)
    # ./data need not exist when the DB is PostgreSQL.
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    port = _free_port()
    cmd = [sys.executable, "-m", "social_scale_app.cli", "simulator", "--host", "127.0.0.1",
           "--port", str(port), "--api-key", SANDBOX_API_KEY, "--seed", str(settings.sandbox_seed),
           "--state-file", str(base / "sandbox-panel.json"), "--no-control"]
    proc = subprocess.Popen(cmd, preexec_fn=_die_with_parent)  # noqa: S603 - fixed argv
    _wait_for(port, proc)
    os.environ[ENV_URL] = url = f"http://127.0.0.1:{port}/api/v2"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    (base / URL_FILE).write_text(url)
    return proc


def stop_panel(proc: subprocess.Popen[bytes], settings: Settings) -> None:
    with contextlib.suppress(OSError):
        (_data_dir(settings) / URL_FILE).unlink()
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    if proc.poll() is None:
        proc.kill()
