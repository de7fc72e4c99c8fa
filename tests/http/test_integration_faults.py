"""Every simulated panel fault through `services` and `balance`: the documented problem, one
integration-log row per attempt at the panel, never a 500, never the key."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from falcon import testing
from social_scale_adapters.fampage.simulator import parse_fault
from social_scale_app.app import create_app
from social_scale_wiring.container import Container
from social_scale_wiring.provider_wiring import SANDBOX_API_KEY

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import BASE, admin_headers, assert_key_absent, log_rows

ATTEMPTS = 3  # reads: the first try and the client's two retries
ENDPOINTS = ("services", "balance")
# fault spec -> (HTTP status, problem code or None for success, attempts at the panel)
FAULTS: dict[str, tuple[int, str | None, int]] = {
    "timeout": (504, "provider_timeout", ATTEMPTS),
    "drop": (503, "provider_unavailable", ATTEMPTS),
    "500": (503, "provider_unavailable", ATTEMPTS),
    "502": (503, "provider_unavailable", ATTEMPTS),
    "503": (503, "provider_unavailable", ATTEMPTS),
    "504": (504, "provider_timeout", ATTEMPTS),
    "429:0": (503, "provider_unavailable", ATTEMPTS),
    "malformed": (502, "provider_error", 1),
    "error:Invalid API key": (502, "provider_error", 1),
    "latency:150": (200, None, 1),
}


@pytest.fixture
def sandbox(make_container: Callable[..., Container]
            ) -> tuple[Container, testing.TestClient, dict[str, str]]:
    container = make_container()
    client = testing.TestClient(create_app(container))
    return container, client, admin_headers(client)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_gives_its_documented_answer(sandbox, endpoint: str, fault: str) -> None:  # type: ignore[no-untyped-def]
    container, client, headers = sandbox
    status, code, attempts = FAULTS[fault]
    state = container.simulator().state
    state.set_fault(*parse_fault(f"{endpoint}={fault}"))
    result = client.simulate_get(f"{BASE}/{endpoint}", headers=headers)
    if code is None:
        assert result.status_code == 200, result.text
    else:
        body = assert_problem(result, status, code)
        if fault.startswith("error:"):
            assert body["detail"] == "Invalid API key"  # the panel's own message
    rows = log_rows(container)
    assert state.calls[endpoint] == attempts
    assert len(rows) == attempts and {r["action"] for r in rows} == {endpoint}
    assert all(r["success"] is (code is None) for r in rows)
    assert_key_absent(SANDBOX_API_KEY, result.text, rows=rows)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_passing_fault_is_retried_into_a_success(sandbox, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    container, client, headers = sandbox
    container.simulator().state.set_fault(*parse_fault(f"{endpoint}=502*1"))
    assert client.simulate_get(f"{BASE}/{endpoint}", headers=headers).status_code == 200
    rows = sorted(log_rows(container), key=lambda r: r["created_at"])
    assert [(r["status_code"], r["success"]) for r in rows] == [(502, False), (200, True)]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_refused_connection_is_503(make_container, endpoint: str) -> None:  # type: ignore[no-untyped-def]
    key = "live-key-that-must-not-leak-0123456789"
    container = make_container(fampage_api_key=key,
                               fampage_base_url=f"http://127.0.0.1:{closed_port()}/api/v2")
    assert not container.settings().sandbox
    client = testing.TestClient(create_app(container))
    result = client.simulate_get(f"{BASE}/{endpoint}", headers=admin_headers(client))
    assert_problem(result, 503, "provider_unavailable")
    rows = log_rows(container)
    assert len(rows) == ATTEMPTS and all(r["status_code"] is None for r in rows)
    assert_key_absent(key, result.text, rows=rows)

