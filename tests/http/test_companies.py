"""`/api/v1/companies` over HTTP: public creation (validated, rate-limited per client),
admin list with search and pages, read, partial update, soft delete."""

from __future__ import annotations

from collections.abc import Callable

from falcon import testing
from social_scale_app.app import create_app
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import admin_headers

BASE = "/api/v1/companies"


def test_anyone_may_create_a_company(client: testing.TestClient) -> None:
    result = client.simulate_post(BASE, json={
        "name": "Client Corp", "email": "ops@client.in", "phone": "+91 98765 43210",
        "gstin": "27ABCDE1234F1Z5",
    })
    assert result.status_code == 201, result.text
    company = result.json["company"]
    assert company["stateCode"] == "27" and company["phone"] == "+919876543210"
    assert company["defaultInvoiceMultiplier"] is None and company["createdAt"].endswith("Z")
    assert set(company) == {"id", "name", "email", "phone", "address", "gstin", "stateCode",
                            "notes", "defaultInvoiceMultiplier", "createdAt", "updatedAt"}


def test_bad_details_are_named(client: testing.TestClient) -> None:
    result = client.simulate_post(BASE, json={
        "email": "nope", "gstin": "29ABCDE1234F1Z5", "stateCode": "27", "surprise": 1,
    })
    body = assert_problem(result, 422, "validation_error")
    assert {e["field"] for e in body["errors"]} == {"name", "email", "surprise"}
    result = client.simulate_post(BASE, json={"name": "A", "gstin": "29ABCDE1234F1Z5",
                                              "stateCode": "27", "phone": "12"})
    body = assert_problem(result, 422, "validation_error")
    assert {e["field"] for e in body["errors"]} == {"stateCode", "phone"}


def test_creation_is_rate_limited_per_client(make_container: Callable[..., Container]) -> None:
    client = testing.TestClient(create_app(make_container(company_create_limit_per_hour=2)))
    for _ in range(2):
        assert client.simulate_post(BASE, json={"name": "A"}).status_code == 201
    result = client.simulate_post(BASE, json={"name": "A"})
    assert_problem(result, 429, "rate_limited")
    assert 0 < int(result.headers["retry-after"]) <= 3600


def test_admin_reads_updates_and_deletes(client: testing.TestClient) -> None:
    headers = admin_headers(client)
    ids = [client.simulate_post(BASE, json={"name": n, "email": e}).json["company"]["id"]
           for n, e in [("Acme", "a@acme.in"), ("Beta", "hi@beta.in"), ("Gamma", None)]]
    assert_problem(client.simulate_get(BASE), 401, "invalid_token")
    page = client.simulate_get(BASE, params={"search": "ACME", "limit": 1}, headers=headers).json
    assert (page["total"], page["limit"], [c["name"] for c in page["items"]]) == (1, 1, ["Acme"])
    assert client.simulate_get(BASE, headers=headers).json["total"] == 3
    result = client.simulate_put(f"{BASE}/{ids[1]}", json={"notes": "VIP", "email": None},
                                 headers=headers)
    assert result.status_code == 200, result.text
    assert (result.json["company"]["notes"], result.json["company"]["email"]) == ("VIP", None)
    assert result.json["company"]["name"] == "Beta"
    assert_problem(client.simulate_put(f"{BASE}/{ids[1]}", json={"name": None},
                                       headers=headers), 422, "validation_error")
    assert client.simulate_delete(f"{BASE}/{ids[0]}", headers=headers).status_code == 204
    assert_problem(client.simulate_get(f"{BASE}/{ids[0]}", headers=headers), 404, "not_found")
    assert_problem(client.simulate_delete(f"{BASE}/{ids[0]}", headers=headers), 404, "not_found")
    assert client.simulate_get(BASE, headers=headers).json["total"] == 2
