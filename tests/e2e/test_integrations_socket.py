"""The integration endpoints against the simulator over a real socket (FAMPAGE_BASE_URL/KEY):
served in-thread, and as the `social-scale simulator` command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_adapters.fampage.simulator import Simulator, create_simulator, parse_fault
from social_scale_adapters.fampage.simulator.server import SimulatorServer
from social_scale_app.app import create_app
from social_scale_wiring.container import Container

from tests.e2e.panel import wait_for_panel
from tests.http.conftest import assert_problem, make_settings
from tests.http.integration_helpers import (
    BASE,
    admin_headers,
    assert_key_absent,
    fixture_ids,
    log_rows,
)

pytestmark = pytest.mark.e2e
KEY = "socket-panel-key-5f0c9e7d"


@pytest.fixture
def make_container(sqlite_template: Path, tmp_path: Path) -> Iterator[Callable[..., Container]]:
    """Containers on fresh SQLite copies, configured like tests/http's `make_container`."""
    made: list[Container] = []

    def make(**overrides: object) -> Container:
        path = tmp_path / f"app{len(made)}.db"
        path.write_bytes(sqlite_template.read_bytes())
        container = Container()
        container.settings.override(providers.Object(make_settings(f"sqlite:///{path}",
                                                                   **overrides)))
        made.append(container)
        return container

    yield make
    for container in made:
        container.engine().dispose()


@pytest.fixture
def panel() -> Iterator[tuple[Simulator, str]]:
    """A simulator on a free local port, served in a thread."""
    server = SimulatorServer(create_simulator(api_key=KEY)).start()
    yield server.simulator, server.url
    server.stop()


@pytest.fixture
def live(make_container: Callable[..., Container], panel: tuple[Simulator, str]
         ) -> tuple[Container, testing.TestClient, dict[str, str], Simulator]:
    simulator, url = panel
    container = make_container(fampage_api_key=KEY, fampage_base_url=url,
                               fampage_timeout=timedelta(seconds=0.5))
    client = testing.TestClient(create_app(container))
    return container, client, admin_headers(client), simulator


def test_instagram_services_over_a_real_socket(live) -> None:  # type: ignore[no-untyped-def]
    container, client, headers, simulator = live
    assert client.simulate_get("/health/ready").json["providerMode"] == "live"
    result = client.simulate_get(f"{BASE}/services?network=Instagram", headers=headers)
    assert result.status_code == 200, result.text
    services = result.json["networks"][0]["services"]
    assert {s["service"] for s in services} == fixture_ids("Instagram")
    assert simulator.state.calls["services"] == 1
    rows = log_rows(container)
    assert len(rows) == 1 and rows[0]["success"] and rows[0]["status_code"] == 200
    assert_key_absent(KEY, result.text, rows=rows)


@pytest.mark.parametrize(("fault", "status", "code"), [
    ("timeout:2", 504, "provider_timeout"),
    ("drop", 503, "provider_unavailable"),
])
def test_network_faults_over_a_real_socket(live, fault: str, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    container, client, headers, simulator = live
    simulator.state.set_fault(*parse_fault(f"balance={fault}"))
    result = client.simulate_get(f"{BASE}/balance", headers=headers)
    assert_problem(result, status, code)
    rows = log_rows(container)
    assert len(rows) == 3 == simulator.state.calls["balance"]
    assert all(r["status_code"] is None and not r["success"] for r in rows)
    assert_key_absent(KEY, result.text, rows=rows)


def test_a_slow_answer_within_the_timeout_succeeds(live) -> None:  # type: ignore[no-untyped-def]
    container, client, headers, simulator = live
    simulator.state.set_fault(*parse_fault("balance=latency:250"))
    result = client.simulate_get(f"{BASE}/balance", headers=headers)
    assert result.status_code == 200 and result.json["currency"] == "INR"
    (row,) = log_rows(container)
    assert row["success"] and row["duration_ms"] >= 250


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def simulator_command(tmp_path: Path) -> Iterator[str]:
    """`social-scale simulator` as a subprocess (key from FAMPAGE_API_KEY); yields its URL."""
    port = _free_port()
    env = {**os.environ, "FAMPAGE_API_KEY": KEY}
    proc = subprocess.Popen(
        [sys.executable, "-m", "social_scale_app.cli", "simulator", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v2"
    try:
        wait_for_panel(url, KEY)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_simulator_command_serves_the_endpoints(
        make_container: Callable[..., Container], simulator_command: str) -> None:
    container = make_container(fampage_api_key=KEY, fampage_base_url=simulator_command)
    client = testing.TestClient(create_app(container))
    headers = admin_headers(client)
    listing = client.simulate_get(f"{BASE}/services?network=instagram", headers=headers)
    assert listing.status_code == 200
    assert {s["service"] for s in listing.json["networks"][0]["services"]} == fixture_ids(
        "Instagram")
    balance = client.simulate_get(f"{BASE}/balance", headers=headers)
    assert balance.json == {"balance": "1000000.0000", "currency": "INR"}
    logs = client.simulate_get(f"{BASE}/logs", headers=headers).json
    assert [i["action"] for i in logs["items"]] == ["balance", "services"]
    assert_key_absent(KEY, listing.text, balance.text, rows=log_rows(container))
