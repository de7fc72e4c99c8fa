"""`serve` under concurrent placements while the panel is slow: requests that only wait on
the panel must not wait for a free gunicorn thread (WEB_THREADS), and all are recorded.

The panel holds every `add` until the test releases it, so "side by side" is observed, not
timed: all the placements must be waiting at the panel at once before any is answered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from social_scale_adapters.fampage.simulator import create_simulator
from social_scale_adapters.fampage.simulator.server import SimulatorServer

from tests.e2e.conftest import ServerFactory
from tests.e2e.panel import admin_client, new_company

pytestmark = pytest.mark.e2e
KEY = "concurrency-e2e-panel-key-31"
CLIENTS = 6
ARRIVAL_LIMIT = 30.0  # seconds for every placement to reach the panel, even on a busy box


@pytest.fixture
def slow_panel() -> Iterator[Any]:
    server = SimulatorServer(create_simulator(api_key=KEY)).start()
    yield server
    server.simulator.state.release_adds()
    server.stop()


def wait_for_adds(state: Any, count: int) -> int:
    """How many `add` calls reached the (holding) panel, once `count` did or time ran out."""
    deadline = time.monotonic() + ARRIVAL_LIMIT
    while time.monotonic() < deadline:
        with state.lock:
            arrived = int(state.calls["add"])
        if arrived >= count:
            return arrived
        time.sleep(0.05)
    return arrived



def test_placements_waiting_on_the_panel_run_side_by_side(
        live_server: ServerFactory, slow_panel: Any, db_env: dict[str, str]) -> None:
    # One worker with as many threads as clients: with fewer (the old fixed 4) the last
    # two placements would wait for a free thread, behind the ones the panel holds.
    base = live_server(WEB_CONCURRENCY="1", WEB_THREADS=str(CLIENTS),
                       FAMPAGE_API_KEY=KEY, FAMPAGE_BASE_URL=slow_panel.url, **db_env)
    api = admin_client(base)
    company = new_company(api, "Client")
    services = api.get("/api-integrations/services?network=Instagram"
                       ).json()["networks"][0]["services"]
    service = next(s["service"] for s in services
                   if s["type"] == "Default" and s["min"] <= 100 <= s["max"])

    def place(k: int) -> httpx.Response:
        return api.post("/api-integrations/orders",
                        json={"companyId": company, "service": service, "quantity": 100,
                              "link": f"https://instagram.com/side{k}"})

    state = slow_panel.simulator.state
    state.hold_adds()
    with ThreadPoolExecutor(CLIENTS) as pool:
        pending = [pool.submit(place, k) for k in range(CLIENTS)]
        arrived = wait_for_adds(state, CLIENTS)
        state.release_adds()
        results = [f.result() for f in pending]
    # With fewer threads than clients, the rest would queue behind the held ones.
    assert arrived == CLIENTS, f"only {arrived} of {CLIENTS} placements reached the panel"
    assert [r.status_code for r in results] == [201] * CLIENTS, [r.text for r in results]
    numbers = {r.json()["invoice"]["number"] for r in results}
    assert len(numbers) == CLIENTS  # each its own invoice number
    assert len({r.json()["order"]["apiOrderId"] for r in results}) == CLIENTS
