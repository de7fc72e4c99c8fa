"""The Fampage integration endpoints on the zero-configuration sandbox: services, balance, logs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_adapters.fampage.simulator import Fault, parse_fault
from social_scale_app.app import create_app
from social_scale_core.clock import FrozenClock
from social_scale_wiring.container import Container
from social_scale_wiring.provider_wiring import SANDBOX_API_KEY

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import (
    BASE,
    admin_headers,
    assert_key_absent,
    fixture_ids,
    log_rows,
)

T0 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def test_no_configuration_lists_the_fixtures_instagram_services_via_the_sandbox(
        client: testing.TestClient, auth_headers: dict[str, str], container: Container) -> None:
    assert container.settings().sandbox
    result = client.simulate_get(f"{BASE}/services", params={"network": "instagram"},
                                 headers=auth_headers)
    assert result.status_code == 200, result.text
    body = result.json
    assert [g["network"] for g in body["networks"]] == ["Instagram"]
    listed = {s["service"] for s in body["networks"][0]["services"]}
    assert listed == fixture_ids("Instagram") and body["total"] == len(listed) > 50
    first = body["networks"][0]["services"][0]
    assert set(first) == {"service", "name", "type", "category", "network", "rate", "min",
                          "max", "refill", "cancel", "currency"}
    assert isinstance(first["rate"], str) and Decimal(first["rate"]) > 0
    assert len(first["rate"].split(".")[1]) >= 4 and first["currency"] == "INR"
    assert body["stale"] is False
    assert_key_absent(SANDBOX_API_KEY, result.text, rows=log_rows(container))


def test_the_network_filter_ignores_case(client: testing.TestClient,
                                         auth_headers: dict[str, str]) -> None:
    lower = client.simulate_get(f"{BASE}/services?network=tiktok", headers=auth_headers).json
    proper = client.simulate_get(f"{BASE}/services?network=TikTok", headers=auth_headers).json
    assert lower["networks"] == proper["networks"] and lower["total"] > 0
    assert {s["service"] for s in lower["networks"][0]["services"]} == fixture_ids("TikTok")


def test_without_a_filter_every_network_is_listed_once_with_other_last(
        client: testing.TestClient, auth_headers: dict[str, str]) -> None:
    body = client.simulate_get(f"{BASE}/services", headers=auth_headers).json
    names = [g["network"] for g in body["networks"]]
    assert len(names) == len(set(names)) and {"Instagram", "TikTok", "YouTube"} <= set(names)
    assert body["total"] == 415 == sum(len(g["services"]) for g in body["networks"])
    if "Other" in names:
        assert names[-1] == "Other"


def test_an_unknown_network_gives_an_empty_listing(client: testing.TestClient,
                                                   auth_headers: dict[str, str]) -> None:
    body = client.simulate_get(f"{BASE}/services?network=myspace", headers=auth_headers).json
    assert body["networks"] == [] and body["total"] == 0


def test_the_catalog_is_cached_between_requests(
        client: testing.TestClient, auth_headers: dict[str, str], container: Container) -> None:
    for _ in range(3):
        assert client.simulate_get(f"{BASE}/services", headers=auth_headers).status_code == 200
    assert container.simulator().state.calls["services"] == 1
    assert [r["action"] for r in log_rows(container)] == ["services"]


def test_balance_is_the_panels_with_its_currency(
        client: testing.TestClient, auth_headers: dict[str, str], container: Container) -> None:
    container.simulator().state.balance = Decimal("16.6132")
    result = client.simulate_get(f"{BASE}/balance", headers=auth_headers)
    assert result.status_code == 200
    assert result.json == {"balance": "16.6132", "currency": "INR"}


@pytest.mark.parametrize("path", ["services", "balance", "logs"])
def test_every_endpoint_needs_the_admin(client: testing.TestClient, path: str) -> None:
    assert_problem(client.simulate_get(f"{BASE}/{path}"), 401, "invalid_token")


def test_a_stale_copy_is_served_when_the_last_refresh_failed(
        make_container) -> None:  # type: ignore[no-untyped-def]
    container = make_container()
    clock = FrozenClock(T0)
    container.clock.override(providers.Object(clock))
    client = testing.TestClient(create_app(container))
    headers = admin_headers(client)
    fresh = client.simulate_get(f"{BASE}/services", headers=headers).json
    clock.advance(minutes=11)
    container.simulator().state.set_fault(*_fault("services=502"))
    failed = client.simulate_post(f"{BASE}/services/refresh", headers=headers)
    assert_problem(failed, 503, "provider_unavailable")
    stale = client.simulate_get(f"{BASE}/services", headers=headers)
    assert stale.status_code == 200
    assert stale.json["stale"] is True and stale.json["fetchedAt"] == "2026-05-04T08:00:00Z"
    assert stale.json["networks"] == fresh["networks"]


def _fault(spec: str) -> tuple[str, Fault]:
    return parse_fault(spec)


# ---- the integration log --------------------------------------------------------------

def test_logs_list_every_call_newest_first_with_filters(
        client: testing.TestClient, auth_headers: dict[str, str], container: Container) -> None:
    client.simulate_get(f"{BASE}/services", headers=auth_headers)
    client.simulate_get(f"{BASE}/balance", headers=auth_headers)
    container.simulator().state.set_fault(*_fault("balance=error:Invalid API key"))
    client.simulate_get(f"{BASE}/balance", headers=auth_headers)
    page = client.simulate_get(f"{BASE}/logs", headers=auth_headers).json
    assert page["total"] == 3 and page["limit"] == 50 and page["offset"] == 0
    assert [i["action"] for i in page["items"]] == ["balance", "balance", "services"]
    failed = page["items"][0]
    assert failed["success"] is False and failed["error"] == "Invalid API key"
    assert failed["statusCode"] == 200 and failed["request"]["key"] == "[REDACTED]"
    assert set(failed) == {"id", "action", "request", "response", "statusCode", "durationMs",
                           "success", "error", "companyId", "createdAt"}
    only = client.simulate_get(f"{BASE}/logs?action=balance&success=false",
                               headers=auth_headers).json
    assert only["total"] == 1 and only["items"][0]["id"] == failed["id"]
    second = client.simulate_get(f"{BASE}/logs?limit=1&offset=1", headers=auth_headers).json
    assert second["total"] == 3 and [i["id"] for i in second["items"]] == [
        page["items"][1]["id"]]


@pytest.mark.parametrize(("query", "field"), [
    ("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset"),
    ("success=perhaps", "success"),
])
def test_bad_log_filters_are_422_naming_the_field(
        client: testing.TestClient, auth_headers: dict[str, str], query: str, field: str) -> None:
    body = assert_problem(client.simulate_get(f"{BASE}/logs?{query}", headers=auth_headers),
                          422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [field]


# ---- companyId ------------------------------------------------------------------------

def _company(client: testing.TestClient, name: str = "Client Corp") -> str:
    result = client.simulate_post("/api/v1/companies", json={"name": name})
    assert result.status_code == 201, result.text
    company_id: str = result.json["company"]["id"]
    return company_id


def test_the_company_of_a_listing_is_logged_with_the_panel_call(
        client: testing.TestClient, auth_headers: dict[str, str], container: Container) -> None:
    company_id = _company(client)
    result = client.simulate_get(f"{BASE}/services", params={"companyId": company_id},
                                 headers=auth_headers)
    assert result.status_code == 200
    client.simulate_get(f"{BASE}/balance", headers=auth_headers)
    rows = {r["action"]: r for r in log_rows(container)}
    assert rows["services"]["company_id"] == company_id
    assert rows["balance"]["company_id"] is None
    page = client.simulate_get(f"{BASE}/logs?companyId={company_id}", headers=auth_headers).json
    assert page["total"] == 1 and page["items"][0]["companyId"] == company_id


def test_an_unknown_or_deleted_company_is_404_before_asking_the_panel(
        client: testing.TestClient, auth_headers: dict[str, str], container: Container) -> None:
    assert_problem(client.simulate_get(f"{BASE}/services?companyId=nope", headers=auth_headers),
                   404, "not_found")
    company_id = _company(client)
    deleted = client.simulate_delete(f"/api/v1/companies/{company_id}", headers=auth_headers)
    assert deleted.status_code == 204, deleted.text
    assert_problem(client.simulate_get(f"{BASE}/services?companyId={company_id}",
                                       headers=auth_headers), 404, "not_found")
    assert container.simulator().state.calls["services"] == 0 and log_rows(container) == []
