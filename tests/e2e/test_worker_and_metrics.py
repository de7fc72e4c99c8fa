"""End to end: gunicorn's workers add up their metrics (multiprocess mode), and
`social-scale worker --once` brings orders placed through the API current with the panel
(the simulator over a real socket); `social-scale reconcile` reports what needs review."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from social_scale_adapters.fampage.simulator import create_simulator
from social_scale_adapters.fampage.simulator.server import SimulatorServer

from tests.e2e.conftest import E2E_SECRET, ServerFactory, round_done
from tests.http.test_metrics import sample

pytestmark = pytest.mark.e2e
KEY = "worker-e2e-panel-key-77"


@pytest.fixture
def panel() -> Iterator[Any]:
    server = SimulatorServer(create_simulator(api_key=KEY)).start()
    yield server
    server.stop()


def _admin(base: str) -> dict[str, str]:
    creds = {"email": "admin@e2e.test", "password": "correct horse battery staple"}
    assert httpx.post(f"{base}/api/v1/auth/register", json={**creds, "name": "A"}).is_success
    token = httpx.post(f"{base}/api/v1/auth/login", json=creds).json()["accessToken"]
    return {"Authorization": f"Bearer {token}"}


def _cli(tmp_path: Path, env: dict[str, str], *args: str) -> str:
    values = {k: v for k, v in os.environ.items() if not k.startswith("FAMPAGE_")}
    values.update(env)
    done = subprocess.run([sys.executable, "-m", "social_scale_app.cli", *args], env=values,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_metrics_add_up_across_gunicorn_workers(live_server: ServerFactory) -> None:
    base = live_server(WEB_CONCURRENCY="2")
    for _ in range(30):
        assert httpx.get(f"{base}/health/live").status_code == 200  # new connection each
    text = httpx.get(f"{base}/metrics").text
    assert sample(text, "social_scale_http_requests_total", route="/health/live",
                  method="GET", status="200") == 30


def test_the_worker_syncs_orders_placed_through_the_api(
        live_server: ServerFactory, panel: Any, tmp_path: Path, db_url: str) -> None:
    """On SQLite and on PostgreSQL (where the worker syncs batches on several threads)."""
    env = {"FAMPAGE_API_KEY": KEY, "FAMPAGE_BASE_URL": panel.url, "DATABASE_URL": db_url}
    base = live_server(**env)
    headers = _admin(base)
    company = httpx.post(f"{base}/api/v1/companies", json={"name": "Client"}).json()
    services = httpx.get(f"{base}/api/v1/api-integrations/services?network=Instagram",
                         headers=headers).json()["networks"][0]["services"]
    service = next(s for s in services if s["type"] == "Default" and s["min"] <= 100 <= s["max"])
    placed = []
    for k in range(3):
        result = httpx.post(f"{base}/api/v1/api-integrations/orders", headers=headers, json={
            "companyId": company["company"]["id"] if "company" in company else company["id"],
            "service": service["service"], "link": f"https://instagram.com/p{k}",
            "quantity": 100})
        assert result.status_code == 201, result.text
        placed.append(result.json()["order"])
    panel.simulator.state.set_status(placed[0]["apiOrderId"], "Completed")
    panel.simulator.state.set_status(placed[1]["apiOrderId"], "Partial", remains=40)
    db = {"APP_ENV": "test", "JWT_SECRET": E2E_SECRET, "SYNC_CONCURRENCY": "3", **env}
    assert round_done(_cli(tmp_path, db, "worker", "--once"))["synced"] == 3
    orders = {o["id"]: o for o in httpx.get(f"{base}/api/v1/orders", headers=headers)
              .json()["items"]}
    assert orders[placed[0]["id"]]["status"] == "completed"
    assert orders[placed[1]["id"]]["status"] == "partial"
    assert orders[placed[2]["id"]]["status"] != "submitting"
    # The partial order's invoice now bills the 60 delivered units only.
    invoice = httpx.get(f"{base}/api/v1/invoices/{orders[placed[1]['id']]['invoiceId']}",
                        headers=headers).json()
    body = invoice.get("invoice", invoice)
    assert body["lines"][0]["quantity"] == 60
    assert "0 order(s) need review" in _cli(tmp_path, db, "reconcile")
