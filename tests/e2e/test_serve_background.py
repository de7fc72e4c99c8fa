"""The zero-configuration `serve` lives: its background round runs in exactly one gunicorn
worker, so sandbox orders reach their outcome, invoices included, with nobody calling."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e
ADMIN = {"email": "op@agency.example", "password": "a long enough pass"}
FINAL = {"completed", "partial", "canceled", "failed"}


def _admin(api: str) -> dict[str, str]:
    assert httpx.post(f"{api}/auth/register", json=ADMIN | {"name": "Op"}).status_code == 201
    token = httpx.post(f"{api}/auth/login", json=ADMIN).json()["accessToken"]
    return {"Authorization": f"Bearer {token}"}


def _service(api: str, headers: dict[str, str]) -> dict[str, Any]:
    body = httpx.get(f"{api}/api-integrations/services?network=Instagram",
                     headers=headers).json()
    services = [s for n in body["networks"] for s in n["services"]]
    return next(s for s in services if s["type"] == "Default" and s["min"] <= 1000 <= s["max"])


def _wait_for(check: Any, limit: float, what: str) -> Any:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"{what} did not happen within {limit:.0f}s")


def _runners(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT runner, mode FROM background_runs"))


# The sandbox panel's seed fixes each order's fate: with this one the first order placed
# ends Partial after 91 s and the second Completed after 97 s (orders take 70 s to 11 min).
QUICK_SEED = "19151"


def test_sandbox_orders_finish_and_invoices_adjust_with_serve_alone(
        live_server: ServerFactory, tmp_path: Path) -> None:
    """SYNC_IN_SERVE and SYNC_INTERVAL left at their defaults; no worker, no status call."""
    base = live_server(unset=("SYNC_IN_SERVE",), SANDBOX_SEED=QUICK_SEED, timeout=60)
    api = f"{base}/api/v1"
    headers = _admin(api)
    company = httpx.post(f"{api}/companies", json={"name": "Client"}).json()["company"]
    service = _service(api, headers)
    orders, invoices = [], []
    for k in range(2):
        placed = httpx.post(f"{api}/api-integrations/orders", headers=headers, json={
            "companyId": company["id"], "service": service["service"],
            "link": f"https://instagram.com/p{k}", "quantity": 1000})
        assert placed.status_code == 201, placed.text
        orders.append(placed.json()["order"])
        invoices.append(httpx.get(f"{api}/invoices/{orders[-1]['invoiceId']}",
                                  headers=headers).json()["invoice"])

    def final() -> list[dict[str, Any]] | None:
        got = [httpx.get(f"{api}/orders/{o['id']}", headers=headers).json() for o in orders]
        got = [g.get("order", g) for g in got]
        return got if all(g["status"] in FINAL for g in got) else None

    partial, completed = _wait_for(final, 200, "both orders' final status")
    assert (partial["status"], completed["status"]) == ("partial", "completed")
    assert 0 < partial["remains"] < 1000
    repriced = httpx.get(f"{api}/invoices/{partial['invoiceId']}", headers=headers).json()
    repriced = repriced["invoice"]
    assert repriced["lines"][0]["quantity"] == 1000 - partial["remains"]
    assert Decimal(repriced["total"]) < Decimal(invoices[0]["total"])
    kept = httpx.get(f"{api}/invoices/{completed['invoiceId']}", headers=headers).json()
    assert kept["invoice"]["total"] == invoices[1]["total"]
    ready = httpx.get(f"{base}/health/ready").json()
    assert ready["backgroundSync"]["runsIn"] == "serve"
    assert ready["backgroundSync"]["state"] == "running"
    assert ready["backgroundSync"]["lagSeconds"] == 0  # no open order left
    assert ready["panel"]["reachable"] is True
    assert len(_runners(tmp_path / "e2e0.db")) == 1  # one leader among the two workers


def test_the_lead_moves_to_another_worker_when_its_holder_is_killed(
        live_server: ServerFactory, tmp_path: Path) -> None:
    base = live_server(SYNC_IN_SERVE="on", SYNC_INTERVAL="1s", WEB_CONCURRENCY="3")
    db = tmp_path / "e2e0.db"
    first = _wait_for(lambda: _runners(db), 30, "a first round")
    assert len(first) == 1 and first[0][1] == "serve"
    time.sleep(3)
    assert len(_runners(db)) == 1  # still one: the two other workers follow
    leader_pid = int(first[0][0].rsplit("/", 1)[1])
    os.kill(leader_pid, signal.SIGKILL)
    moved = _wait_for(lambda: [r for r in _runners(db) if r != first[0]], 40,
                      "a round by a new leader")
    assert int(moved[0][0].rsplit("/", 1)[1]) != leader_pid
    assert httpx.get(f"{base}/health/ready").json()["backgroundSync"]["state"] == "running"
