"""The spec's typical order flow against the simulator over a real socket (FAMPAGE_BASE_URL
and FAMPAGE_API_KEY set, as in production), and a time-out after `add` on the wire."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_adapters.fampage.simulator import Simulator, create_simulator, parse_fault
from social_scale_adapters.fampage.simulator.server import SimulatorServer
from social_scale_app.app import create_app
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem, make_settings
from tests.http.integration_helpers import admin_headers

pytestmark = pytest.mark.e2e
KEY = "socket-orders-key-0b7d2c"
API = "/api/v1/api-integrations"


@pytest.fixture
def wired(sqlite_template: Path, tmp_path: Path
          ) -> Iterator[tuple[testing.TestClient, dict[str, str], Simulator]]:
    server = SimulatorServer(create_simulator(api_key=KEY)).start()
    path = tmp_path / "app.db"
    path.write_bytes(sqlite_template.read_bytes())
    container = Container()
    container.settings.override(providers.Object(make_settings(
        f"sqlite:///{path}", fampage_api_key=KEY, fampage_base_url=server.url,
        fampage_timeout=timedelta(seconds=0.5))))
    client = testing.TestClient(create_app(container))
    yield client, admin_headers(client), server.simulator
    container.engine().dispose()
    server.stop()


def test_typical_order_flow_over_a_socket(wired) -> None:  # type: ignore[no-untyped-def]
    client, headers, simulator = wired
    company = client.simulate_post("/api/v1/companies", json={"name": "Client Corp"}).json
    body = {"companyId": company["company"]["id"], "service": 2124,
            "link": "instagram.com/account", "quantity": 1000, "invoiceMultiplier": 8}
    placed = client.simulate_post(f"{API}/orders", json=body, headers=headers)
    assert placed.status_code == 201, placed.text
    api_id = placed.json["order"]["apiOrderId"]
    assert simulator.state.order(api_id) is not None
    simulator.state.set_status(api_id, "In progress", remains=600)
    status = client.simulate_get(f"{API}/orders/{api_id}/status", headers=headers).json
    assert status["order"]["status"] == "in_progress" and status["order"]["remains"] == 600
    invoice_id = placed.json["invoice"]["id"]
    pdf = client.simulate_get(f"/api/v1/invoices/{invoice_id}/download", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_timeout_after_add_on_the_wire_leaves_one_unknown_order(wired) -> None:  # type: ignore[no-untyped-def]
    client, headers, simulator = wired
    company = client.simulate_post("/api/v1/companies", json={"name": "Client Corp"}).json
    simulator.state.set_fault(*parse_fault("add=timeout:2"))
    body = {"companyId": company["company"]["id"], "service": 2124,
            "link": "instagram.com/account", "quantity": 1000}
    headers = {**headers, "Idempotency-Key": "wire-1"}
    first = assert_problem(client.simulate_post(f"{API}/orders", json=body, headers=headers),
                           504, "provider_timeout")
    again = assert_problem(client.simulate_post(f"{API}/orders", json=body, headers=headers),
                           504, "provider_timeout")
    assert first["orderId"] == again["orderId"]
    assert simulator.state.calls["add"] == 1 and len(simulator.state.orders) == 1
    order = client.simulate_get(f"/api/v1/orders/{first['orderId']}", headers=headers).json
    assert order["order"]["status"] == "unknown"
