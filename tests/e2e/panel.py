"""End-to-end helpers: a simulated Fampage panel on a real socket and its control API, and
an admin session against a running server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from social_scale_adapters.db.engine import make_engine, normalise_url
from social_scale_adapters.db.migrate import upgrade
from social_scale_adapters.fampage.simulator import create_simulator
from social_scale_adapters.fampage.simulator.server import SimulatorServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import DEFAULT_PG
from tests.e2e.conftest import E2E_BOOTSTRAP, E2E_SECRET, free_port
from tests.e2e.conftest import _stop as stop
from tests.e2e.conftest import _wait_ready as wait_ready

ADMIN = {"email": "ops@agency.test", "password": "e2e admin password 7f3a"}
FOLLOWERS = 2124  # Instagram Followers in the bundled catalog: Default, 10..100000


class Panel:
    """The simulator served in a thread; `url` is what FAMPAGE_BASE_URL should be."""

    def __init__(self, key: str, **options: Any) -> None:
        self.key = key
        self.server = SimulatorServer(create_simulator(api_key=key, **options)).start()
        self.url = self.server.url
        self.state = self.server.simulator.state
        self._control = httpx.Client(base_url=self.url.removesuffix("/api/v2"),
                                     headers={"X-Api-Key": key}, timeout=10)

    def fault(self, *specs: str) -> None:
        result = self._control.post("/_control/faults", json={"faults": list(specs)})
        result.raise_for_status()

    def clear(self) -> None:
        self._control.delete("/_control/faults").raise_for_status()

    def calls(self) -> dict[str, int]:
        calls: dict[str, int] = self._control.get("/_control/calls").json()["calls"]
        return calls

    def hold(self, on: bool = True) -> None:
        self._control.post("/_control/hold", json={"hold": on}).raise_for_status()

    def orders(self) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = self._control.get("/_control/orders").json()["orders"]
        return orders

    def set_service(self, service: int, **fields: Any) -> None:
        self._control.post(f"/_control/services/{service}", json=fields).raise_for_status()

    def remove_service(self, service: int) -> None:
        self._control.delete(f"/_control/services/{service}").raise_for_status()

    def stop(self) -> None:
        self._control.close()
        self.server.stop()


@contextmanager
def running_panel(key: str, **options: Any) -> Iterator[Panel]:
    panel = Panel(key, **options)
    try:
        yield panel
    finally:
        panel.stop()


def admin_client(base_url: str, timeout: float = 30) -> httpx.Client:
    """Registers the admin (if none yet), logs in, returns a client sending the token."""
    api = httpx.Client(base_url=f"{base_url}/api/v1", timeout=timeout)
    api.post("/auth/register", json={**ADMIN, "name": "Ops"},
             headers={"X-Bootstrap-Token": E2E_BOOTSTRAP})
    login = api.post("/auth/login", json=ADMIN)
    login.raise_for_status()
    api.headers["Authorization"] = f"Bearer {login.json()['accessToken']}"
    return api


def new_company(api: httpx.Client, name: str = "Client Corp") -> str:
    created = api.post("/companies", json={"name": name})
    created.raise_for_status()
    company_id: str = created.json()["company"]["id"]
    return company_id


def order_body(company_id: str, quantity: int = 100, **extra: Any) -> dict[str, Any]:
    return {"companyId": company_id, "service": FOLLOWERS,
            "link": "https://instagram.com/client", "quantity": quantity, **extra}


@dataclass(frozen=True)
class Server:
    """A running `social-scale serve`: its base URL and gunicorn master's pid."""

    url: str
    pid: int
    log: Path

    def workers(self) -> list[int]:
        """Pids of the master's children (the gunicorn workers), from /proc."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(p) for p in children.read_text().split()]


@contextmanager
def serving(directory: Path, timeout: float = 60, **env: str) -> Iterator[Server]:
    """`social-scale serve` (gunicorn) for longer than one test (module fixtures, soak,
    crash tests); the same defaults as the `live_server` fixture."""
    port = free_port()
    values = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "FAMPAGE_"))}
    values.update({
        "DATABASE_URL": f"sqlite:///{directory / 'serving.db'}", "APP_ENV": "test",
        "JWT_SECRET": E2E_SECRET, "WEB_CONCURRENCY": "2", "PASSWORD_HASH_PROFILE": "fast",
        "PORT": str(port), "LOG_LEVEL": "WARNING", "SYNC_IN_SERVE": "off", **env,
    })
    log = directory / f"serving-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "social_scale_app.cli", "serve", "--host", "127.0.0.1"],
            env=values, cwd=directory, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_ready(base_url, proc, log, timeout)
        yield Server(base_url, proc.pid, log)
    finally:
        stop(proc)


@contextmanager
def private_postgres() -> Iterator[str | None]:
    """A fresh, migrated PostgreSQL database of its own (None if no server answers)."""
    admin_url = normalise_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"ss_e2e_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        admin.dispose()
        yield None
        return
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_for_panel(url: str, key: str, limit: float = 15) -> None:
    """Wait until a simulator started as a subprocess answers at `url`."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            httpx.post(url, data={"key": key, "action": "balance"}, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("the simulator command did not start")
