"""End to end, the panel call budget: the simulator answers 429 beyond 48 calls a minute;
the app (gunicorn) and a running `social-scale worker` share PANEL_CALLS_PER_MINUTE=40
through the database. The worker's sync asks for far more than the budget (one order per
panel call, a pass a second, four threads); placements made meanwhile are all served
within a short PANEL_BUDGET_WAIT, and the panel never answers 429."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import E2E_SECRET, ServerFactory
from tests.e2e.panel import admin_client, new_company, order_body, running_panel

pytestmark = pytest.mark.e2e
KEY = "budget-e2e-panel-key-31"


def _worker(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    values = {k: v for k, v in os.environ.items() if not k.startswith("FAMPAGE_")}
    values.update(env)
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "social_scale_app.cli", "worker"],
                            env=values, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def test_placements_come_first_and_the_panel_never_says_429(
        live_server: ServerFactory, db_env: dict[str, str], tmp_path: Path) -> None:
    with running_panel(KEY, rate_limit=48) as panel:
        env = {"FAMPAGE_API_KEY": KEY, "FAMPAGE_BASE_URL": panel.url,
               "PANEL_CALLS_PER_MINUTE": "40", "PANEL_BUDGET_WAIT": "4s", **db_env}
        base = live_server(**env)
        api = admin_client(base)
        company = new_company(api)
        placed = [api.post("/api-integrations/orders",
                           json=order_body(company, link=f"https://instagram.com/a{k}"))
                  for k in range(4)]
        assert [r.status_code for r in placed] == [201] * 4, placed[-1].text
        worker = _worker(tmp_path, {
            **env, "APP_ENV": "test", "JWT_SECRET": E2E_SECRET, "SYNC_INTERVAL": "1s",
            "SYNC_BATCH_SIZE": "1", "SYNC_CONCURRENCY": "4",
            "DATABASE_URL": db_env.get("DATABASE_URL", f"sqlite:///{tmp_path / 'e2e0.db'}")})
        try:
            statuses_before = panel.calls().get("status", 0)
            deadline = time.monotonic() + 30
            while panel.calls().get("status", 0) < statuses_before + 5:
                assert worker.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
            # The sync now waits on the budget; an operator's orders go ahead of it.
            during = [api.post("/api-integrations/orders",
                               json=order_body(company, link=f"https://instagram.com/b{k}"))
                      for k in range(6)]
            assert worker.poll() is None  # it was syncing all along
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        assert [r.status_code for r in during] == [201] * 6, [r.text for r in during]
        report = httpx.get(panel.url.replace("/api/v2", "/_control/calls"),
                           headers={"X-Api-Key": KEY}).json()
        assert report["rate_limited"] == 0, report
