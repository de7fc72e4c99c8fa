"""In sandbox mode `social-scale worker` syncs against the panel `serve` shares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import E2E_SECRET, ServerFactory, round_done

pytestmark = pytest.mark.e2e
ADMIN = {"email": "op@sandbox.example", "password": "a long enough pass"}


def _worker(tmp_path: Path, db_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FAMPAGE_", "SANDBOX_"))}
    env.update({"DATABASE_URL": db_url, "APP_ENV": "test", "JWT_SECRET": E2E_SECRET})
    return subprocess.run([sys.executable, "-m", "social_scale_app.cli", "worker", "--once"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_worker_reaches_the_sandbox_panel_of_serve(
        live_server: ServerFactory, tmp_path: Path) -> None:
    base = live_server()
    api = f"{base}/api/v1"
    assert httpx.post(f"{api}/auth/register", json=ADMIN | {"name": "Op"}).status_code == 201
    token = httpx.post(f"{api}/auth/login", json=ADMIN).json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    company = httpx.post(f"{api}/companies", json={"name": "Client"}).json()["company"]
    placed = httpx.post(f"{api}/api-integrations/orders", headers=headers, json={
        "companyId": company["id"], "service": 1680, "link": "https://instagram.com/x",
        "quantity": 1000}).json()["order"]
    assert placed["providerStatus"] is None

    done = _worker(tmp_path, f"sqlite:///{tmp_path / 'e2e0.db'}")
    assert done.returncode == 0, done.stderr
    assert round_done(done.stdout)["synced"] == 1
    synced = httpx.get(f"{api}/orders/{placed['id']}", headers=headers).json()
    order = synced.get("order", synced)
    # A private simulator would not know the order ("Incorrect order ID"): no status.
    assert order["providerStatus"] in {"Pending", "In progress"}


def test_worker_refuses_a_sandbox_without_serve(tmp_path: Path) -> None:
    done = _worker(tmp_path, f"sqlite:///{tmp_path / 'lonely.db'}")
    assert done.returncode == 2
    assert "start `serve` first" in done.stderr
