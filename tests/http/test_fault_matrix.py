"""The fault matrix: every endpoint that calls the panel x every fault the panel can show.

Each case runs on a fresh app whose sandbox simulator already holds one placed order, then
injects one fault into the action the endpoint uses and calls the endpoint once. It checks:
the documented status and problem code (API.md: 502 provider_error, 503
provider_unavailable, 504 provider_timeout; a lost `add` is 504 with the internal order id
and an `unknown` order), exactly one integration-log row per HTTP attempt at the panel, no
500, and no half-written rows (the tables are compared before and after).

"refused" needs a real socket: the app talks to a simulator server that is stopped after
the setup, so every connection is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from falcon import testing
from social_scale_adapters.db.tables import metadata
from social_scale_adapters.fampage.simulator import Simulator, create_simulator, parse_fault
from social_scale_adapters.fampage.simulator.server import SimulatorServer
from social_scale_app.app import create_app
from social_scale_wiring.container import Container
from social_scale_wiring.provider_wiring import SANDBOX_API_KEY
from sqlalchemy import select

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import admin_headers, assert_key_absent, log_rows

API = "/api/v1/api-integrations"
READ_TRIES = 3  # reads are retried twice; writes never
ERROR_TEXT = "Service is temporarily unavailable, try again later"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {id}: the placed order's apiOrderId
    action: str  # the panel action it uses (where the fault goes)
    kind: str  # "read", "write" or "add"


ENDPOINTS = {
    "services": Endpoint("GET", f"{API}/services", "services", "read"),
    "balance": Endpoint("GET", f"{API}/balance", "balance", "read"),
    "place": Endpoint("POST", f"{API}/orders", "add", "add"),
    "status": Endpoint("GET", f"{API}/orders/{{id}}/status", "status", "read"),
    "statuses": Endpoint("GET", f"{API}/orders/status?orderIds={{id}},987654", "status",
                         "read"),
    "refill": Endpoint("POST", f"{API}/orders/{{id}}/refill", "refill", "write"),
    "cancel": Endpoint("POST", f"{API}/orders/{{id}}/cancel", "cancel", "write"),
}
# fault -> per kind of endpoint: (HTTP status, problem code or None, panel attempts,
# what the placed order becomes: None (no new order) / "failed" / "unknown" / "pending")
Outcome = tuple[int, str | None, int, str | None]
FAULTS: dict[str, dict[str, Outcome]] = {
    "timeout": {"read": (504, "provider_timeout", READ_TRIES, None),
                "write": (504, "provider_timeout", 1, None),
                "add": (504, "provider_timeout", 1, "unknown")},
    "drop": {"read": (503, "provider_unavailable", READ_TRIES, None),
             "write": (503, "provider_unavailable", 1, None),
             "add": (504, "provider_timeout", 1, "unknown")},
    "500": {"read": (503, "provider_unavailable", READ_TRIES, None),
            "write": (503, "provider_unavailable", 1, None),
            "add": (504, "provider_timeout", 1, "unknown")},
    "502": {"read": (503, "provider_unavailable", READ_TRIES, None),
            "write": (503, "provider_unavailable", 1, None),
            "add": (504, "provider_timeout", 1, "unknown")},
    "503": {"read": (503, "provider_unavailable", READ_TRIES, None),
            "write": (503, "provider_unavailable", 1, None),
            "add": (503, "provider_unavailable", 1, "failed")},
    "504": {"read": (504, "provider_timeout", READ_TRIES, None),
            "write": (504, "provider_timeout", 1, None),
            "add": (504, "provider_timeout", 1, "unknown")},
    "429:0": {"read": (503, "provider_unavailable", READ_TRIES, None),
              "write": (503, "provider_unavailable", 1, None),
              "add": (503, "provider_unavailable", 1, "failed")},
    "malformed": {"read": (502, "provider_error", 1, None),
                  "write": (502, "provider_error", 1, None),
                  "add": (504, "provider_timeout", 1, "unknown")},
    "error": {"read": (502, "provider_error", 1, None),
              "write": (409, "provider_rejected", 1, None),
              "add": (503, "provider_rejected", 1, "failed")},
    "latency:150": {"read": (200, None, 1, None), "write": (200, None, 1, None),
                    "add": (201, None, 1, "pending")},
}
REFUSED: dict[str, Outcome] = {"read": (503, "provider_unavailable", READ_TRIES, None),
                               "write": (503, "provider_unavailable", 1, None),
                               "add": (503, "provider_unavailable", 1, "failed")}
# Volatile by design: the call log (checked separately), throttles, and the catalog's
# refresh state (it records each failed attempt: that is what makes a copy stale), and the
# conditional-GET version counters, which count exactly those writes.
UNCHANGED = [t for t in metadata.sorted_tables if t.name not in {"integration_logs",
                                                                 "rate_limits",
                                                                 "catalog_state",
                                                                 "data_versions",
                                                                 "data_changes"}]


class World:
    """An app, its admin, a company and one placed order of a refillable, cancelable
    service; `sim` is the panel behind it (None once it is gone)."""

    def __init__(self, container: Container, sim: Simulator, *, cold: bool = False) -> None:
        """`cold`: no order and no catalog yet (the services endpoint must ask the panel)."""
        self.container, self.sim = container, sim
        self.client = testing.TestClient(create_app(container))
        self.headers = admin_headers(self.client)
        company = self.client.simulate_post("/api/v1/companies", json={"name": "Acme"})
        self.company_id = company.json["company"]["id"]
        self.order: dict[str, Any] = {"id": None, "apiOrderId": 1}
        if cold:
            return
        self.service = self._flexible_service()
        placed = self.place()
        assert placed.status_code == 201, placed.text
        self.order = placed.json["order"]

    def _flexible_service(self) -> int:
        listing = self.client.simulate_get(f"{API}/services", headers=self.headers).json
        return next(s["service"] for n in listing["networks"] for s in n["services"]
                    if s["refill"] and s["cancel"] and s["type"] == "Default"
                    and s["network"] == "Instagram" and s["min"] <= 100 <= s["max"])

    def place(self) -> testing.Result:
        return self.client.simulate_post(f"{API}/orders", headers=self.headers, json={
            "companyId": self.company_id, "service": self.service,
            "link": "https://instagram.com/acme", "quantity": 100})

    def call(self, endpoint: Endpoint) -> testing.Result:
        if endpoint.kind == "add":
            return self.place()
        path = endpoint.path.replace("{id}", str(self.order["apiOrderId"]))
        if endpoint.action == "refill" and self.order["id"] is not None:
            # The panel refills only finished orders: this one is, at the panel.
            self.sim.state.set_status(self.order["apiOrderId"], "Completed", remains=0)
        return self.client.simulate_request(endpoint.method, path, headers=self.headers)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        with self.container.engine().connect() as conn:
            return {t.name: [dict(r._mapping) for r in conn.execute(select(t))]
                    for t in UNCHANGED}


@pytest.fixture
def make_world(make_container: Callable[..., Container], db_url: str
               ) -> Callable[..., World]:
    def make(cold: bool = False) -> World:
        container = make_container(db_url)
        return World(container, container.simulator(), cold=cold)

    return make


@pytest.fixture
def sandbox(make_world: Callable[..., World]) -> World:
    return make_world()


@pytest.fixture
def gone(make_container: Callable[..., Container], db_url: str) -> Callable[..., World]:
    """Factory of worlds whose panel (a real socket) is shut down after the setup."""
    def make(cold: bool = False) -> World:
        server = SimulatorServer(create_simulator(api_key="refused-key-123456")).start()
        container = make_container(db_url, fampage_api_key="refused-key-123456",
                                   fampage_base_url=server.url,
                                   fampage_timeout=timedelta(seconds=2))
        try:
            return World(container, server.simulator, cold=cold)
        finally:
            server.stop()

    return make


def _check(world: World, endpoint: Endpoint, outcome: Outcome, calls_before: int,
           rows_before: int, tables_before: dict[str, list[dict[str, Any]]],
           result: testing.Result, panel_calls: int | None) -> None:
    status, code, tries, order_state = outcome
    assert result.status_code != 500, result.text
    if code is None:
        assert result.status_code == status, result.text
    else:
        body = assert_problem(result, status, code)
        if endpoint.kind == "add":
            assert body["orderId"]  # the internal id, for review
    rows = log_rows(world.container)[rows_before:]
    new_rows = sorted(rows, key=lambda r: r["created_at"])
    assert len(new_rows) == tries, [(r["action"], r["status_code"]) for r in new_rows]
    assert all(r["success"] is (code is None) for r in new_rows)
    if panel_calls is not None:
        assert panel_calls - calls_before == tries
    assert_key_absent(SANDBOX_API_KEY, result.text, rows=rows)
    _check_tables(world, endpoint, order_state, tables_before, result)


def _check_tables(world: World, endpoint: Endpoint, order_state: str | None,
                  before: dict[str, list[dict[str, Any]]], result: testing.Result) -> None:
    after = world.tables()
    if endpoint.kind != "add":
        if result.status_code < 400 and endpoint.kind == "write":
            return  # a successful refill/cancel changes the order, as it should
        if result.status_code < 400 and endpoint.action in ("status", "services"):
            return  # a successful sync records what the panel says; a first load, the catalog
        assert after == before  # a failed call wrote nothing (an ok read wrote nothing)
        return
    new_orders = [o for o in after["orders"] if o["id"] != world.order["id"]]
    assert [o["status"] for o in new_orders] == [order_state]
    new = new_orders[0]
    invoices = [i for i in after["invoices"] if i["order_id"] == new["id"]]
    if order_state == "pending":
        assert new["api_order_id"] is not None and len(invoices) == 1
        return
    assert new["api_order_id"] is None and invoices == []
    assert new["error_code"] and new["error_message"]
    old_order = next(o for o in after["orders"] if o["id"] == world.order["id"])
    assert old_order == next(o for o in before["orders"] if o["id"] == world.order["id"])
    history = [h for h in after["order_status_history"] if h["order_id"] != new["id"]]
    assert history == before["order_status_history"]  # only the new order's own changes
    for name in after:  # nothing else moved (but the analytics that follow the orders)
        if name not in ("orders", "analytics_deltas", "analytics_rollup",
                        "order_status_history"):
            assert after[name] == before[name], name


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_panel_fault_on_each_endpoint(make_world: Callable[..., World], name: str,
                                           fault: str) -> None:
    endpoint = ENDPOINTS[name]
    sandbox = make_world(cold=name == "services")
    outcome = FAULTS[fault][endpoint.kind]
    state = sandbox.sim.state
    calls_before, rows_before = state.calls[endpoint.action], len(log_rows(sandbox.container))
    tables_before = sandbox.tables()
    state.set_fault(*parse_fault(f"{endpoint.action}={fault}"))
    result = sandbox.call(endpoint)
    _check(sandbox, endpoint, outcome, calls_before, rows_before, tables_before, result,
           state.calls[endpoint.action])
    if fault == "error":
        assert result.json["detail"] == ERROR_TEXT  # the panel's own words


@pytest.mark.parametrize("fault", list(FAULTS))
def test_services_fall_back_to_the_last_copy(sandbox: World, fault: str) -> None:
    """Once loaded, the catalog is served from the database whatever the panel does: a
    failing refresh (each attempt logged) marks the copy stale, and listing services asks
    the panel nothing and writes nothing."""
    state = sandbox.sim.state
    calls_before, rows_before = state.calls["services"], len(log_rows(sandbox.container))
    state.set_fault(*parse_fault(f"services={fault}"))
    refreshed = sandbox.client.simulate_post(f"{API}/services/refresh", headers=sandbox.headers)
    status, code, tries, _state = FAULTS[fault]["read"]
    assert refreshed.status_code == status, refreshed.text
    assert state.calls["services"] - calls_before == tries
    assert len(log_rows(sandbox.container)) - rows_before == tries
    calls_before, tables_before = state.calls["services"], sandbox.tables()
    result = sandbox.client.simulate_get(f"{API}/services", headers=sandbox.headers)
    assert result.status_code == 200, result.text
    assert result.json["stale"] is (code is not None) and result.json["total"] == 415
    assert state.calls["services"] == calls_before
    assert sandbox.tables() == tables_before


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_a_refused_connection_on_each_endpoint(gone: Callable[..., World], name: str) -> None:
    endpoint = ENDPOINTS[name]
    world = gone(cold=name == "services")
    rows_before = len(log_rows(world.container))
    tables_before = world.tables()
    result = world.call(endpoint)
    _check(world, endpoint, REFUSED[endpoint.kind], 0, rows_before, tables_before, result,
           None)


def test_a_lost_add_is_never_sent_again(sandbox: World) -> None:
    """After a lost answer, a retry of the same request with its Idempotency-Key replays the
    unknown outcome: the panel sees one `add`, not two."""
    state = sandbox.sim.state
    state.set_fault(*parse_fault("add=drop*1"))
    headers = {**sandbox.headers, "Idempotency-Key": "lost-answer-1"}
    body = {"companyId": sandbox.company_id, "service": sandbox.service,
            "link": "https://instagram.com/acme", "quantity": 100}
    first = sandbox.client.simulate_post(f"{API}/orders", headers=headers, json=body)
    again = sandbox.client.simulate_post(f"{API}/orders", headers=headers, json=body)
    assert first.status_code == 504 and again.status_code == 504
    assert first.json["orderId"] == again.json["orderId"]
    assert state.calls["add"] == 2  # the setup's order, and this one once
    assert len(state.orders) == 2  # the drop came after the panel placed it
