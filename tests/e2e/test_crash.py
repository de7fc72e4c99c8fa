"""Crash safety: kill -9 the gunicorn worker while the panel holds its `add` answer.

After gunicorn restarts the worker, the order exists (recorded `submitting` before the
call), a retry with the same Idempotency-Key places nothing, `social-scale reconcile`
lists the order for review, and resolving it with the panel's id brings it back in line.
The panel counts `add` calls itself (/_control/calls): exactly one, whatever happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import E2E_SECRET
from tests.e2e.panel import (
    Panel,
    Server,
    admin_client,
    new_company,
    order_body,
    private_postgres,
    running_panel,
    serving,
)

pytestmark = pytest.mark.e2e
KEY = "crash-panel-key-0b1c2d3e"


def wait_until(check: Callable[[], object], timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what or check}")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Panel, Server, dict[str, str]]]:
    """The panel in a thread, gunicorn with ONE worker, PostgreSQL (SQLite without it)."""
    with running_panel(KEY) as panel, private_postgres() as pg_url:
        env = {"WEB_CONCURRENCY": "1", "FAMPAGE_API_KEY": KEY, "FAMPAGE_BASE_URL": panel.url,
               "FAMPAGE_TIMEOUT": "60s",
               "DATABASE_URL": pg_url or f"sqlite:///{tmp_path / 'crash.db'}"}
        with serving(tmp_path, **env) as server:
            yield panel, server, env


def reconcile(env: dict[str, str], cwd: Path) -> str:
    values = {**os.environ, **env, "APP_ENV": "test", "JWT_SECRET": E2E_SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "social_scale_app.cli", "reconcile", "--stale-minutes", "0"],
        env=values, cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_kill_9_while_add_is_held_loses_nothing_and_places_nothing_twice(
        stack: tuple[Panel, Server, dict[str, str]], tmp_path: Path) -> None:
    panel, server, env = stack
    api = admin_client(server.url)
    company = new_company(api)
    assert api.get("/api-integrations/services").status_code == 200  # catalog loaded
    panel.hold()
    body, key = order_body(company), {"Idempotency-Key": "crash-order-1"}
    (worker,) = server.workers()
    with ThreadPoolExecutor(1) as pool:
        placing = pool.submit(api.post, "/api-integrations/orders", json=body, headers=key)
        wait_until(lambda: panel.calls().get("add") == 1, what="the add to reach the panel")
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(httpx.TransportError):
            placing.result(timeout=30)
    panel.hold(False)  # the panel now places the order and answers a dead socket
    wait_until(lambda: len(panel.orders()) == 1, what="the panel to place the order")
    wait_until(lambda: server.workers() not in ([], [worker]), what="a new worker")
    wait_until(lambda: httpx.get(f"{server.url}/health/ready").status_code == 200)

    (order,) = api.get("/orders").json()["items"]
    assert order["status"] in ("submitting", "unknown") and order["apiOrderId"] is None
    again = api.post("/api-integrations/orders", json=body, headers=key)
    assert again.status_code in (409, 504), again.text  # in progress / unknown: not re-sent
    assert panel.calls()["add"] == 1 and len(panel.orders()) == 1

    listed = reconcile(env, tmp_path)
    assert order["id"] in listed and "1 order(s) need review" in listed

    api_id = panel.orders()[0]["order"]
    fixed = api.put(f"/orders/{order['id']}/status",
                    json={"status": "pending", "apiOrderId": api_id})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["order"]["invoiceId"]  # resolving issues the invoice it missed
    assert len(api.get("/invoices").json()["items"]) == 1
    synced = api.get(f"/api-integrations/orders/{api_id}/status")
    assert synced.status_code == 200 and synced.json()["order"]["id"] == order["id"]
    assert "0 order(s) need review" in reconcile(env, tmp_path)
    assert panel.calls()["add"] == 1
