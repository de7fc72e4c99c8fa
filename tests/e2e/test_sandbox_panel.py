"""`serve` in sandbox mode: one simulated panel shared by all workers."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e
ADMIN = {"email": "op@agency.example", "password": "a long enough pass", "name": "Op"}


def test_every_worker_sees_the_same_sandbox_panel(live_server: ServerFactory) -> None:
    api = live_server(WEB_CONCURRENCY="3") + "/api/v1"
    assert httpx.post(f"{api}/auth/register", json=ADMIN).status_code == 201
    login = httpx.post(f"{api}/auth/login",
                       json={"email": ADMIN["email"], "password": ADMIN["password"]})
    headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    company = httpx.post(f"{api}/companies", json={"name": "Client Corp"}).json()["company"]
    placed = httpx.post(f"{api}/api-integrations/orders", headers=headers, json={
        "companyId": company["id"], "service": 1680, "link": "https://instagram.com/x",
        "quantity": 1000})
    assert placed.status_code == 201, placed.text
    api_order_id = placed.json()["order"]["apiOrderId"]
    with httpx.Client(headers=headers) as client:
        balances = set()
        for _ in range(12):  # new connections each time: spread over the three workers
            status = client.get(f"{api}/api-integrations/orders/{api_order_id}/status",
                                headers={"Connection": "close"})
            assert status.status_code == 200, status.text
            balances.add(client.get(f"{api}/api-integrations/balance",
                                    headers={"Connection": "close"}).json()["balance"])
    assert len(balances) == 1
    assert balances != {"1000000.0000"}  # the order's charge left the one shared balance
