"""`social-scale simulator` serves the panel over a real socket, faults and control included."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from social_scale_adapters.fampage.client import FampageClient
from social_scale_core.errors import ProviderOutcomeUnknown
from social_scale_core.panel.provider import AddRequest

from tests.e2e.panel import wait_for_panel

pytestmark = pytest.mark.e2e
KEY = "cli-sim-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def simulator_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "social_scale_app.cli", "simulator", "--port", str(port),
         "--api-key", KEY, "--fault", "add=drop*1", "--speed", "60", "--variant", "standard"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/api/v2"
    try:
        wait_for_panel(url, KEY)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_dropped_add_really_cuts_the_connection_and_the_order_exists(
    simulator_url: str,
) -> None:
    client = FampageClient(simulator_url, KEY, timeouts={"add": 2.0})
    order = AddRequest(service=1680, link="https://instagram.com/p/x", quantity=100)
    with pytest.raises(ProviderOutcomeUnknown, match="disconnected"):
        client.add(order)
    second = client.add(order)  # the fault was for one request only
    orders = httpx.get(simulator_url.replace("/api/v2", "/_control/orders"),
                       headers={"X-Api-Key": KEY}).json()["orders"]
    assert len(orders) == 2 and orders[1]["order"] == second
    assert str(client.balance().amount) == "999996.26720"
    client.close()
