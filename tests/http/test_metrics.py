"""`/metrics`: requests by route template, panel calls by action (beside the integration
log, not instead of it), the sync counters and lag; METRICS_TOKEN protects it when set."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from falcon import testing
from social_scale_adapters.db.orders.order_table import orders
from social_scale_app.app import create_app
from social_scale_wiring.container import Container
from sqlalchemy import update

from tests.analytics_data import Data, store
from tests.http.conftest import assert_problem
from tests.http.integration_helpers import log_rows
from tests.http.test_analytics import _order


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + ("{" if labels else " ")):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def scrape(client: testing.TestClient, **headers: str) -> str:
    result = client.simulate_get("/metrics", headers=headers)
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("text/plain")
    return result.text


def test_requests_are_counted_by_route_template_and_status(
        client: testing.TestClient, auth_headers: dict[str, str]) -> None:
    route = "/api/v1/companies/{company_id}"
    before = sample(scrape(client), "social_scale_http_requests_total", route=route,
                    method="GET", status="404")
    for n in range(3):
        client.simulate_get(f"/api/v1/companies/missing-{n}", headers=auth_headers)
    text = scrape(client)
    assert sample(text, "social_scale_http_requests_total", route=route, method="GET",
                  status="404") == before + 3
    assert "missing-1" not in text  # raw paths never become labels
    assert sample(text, "social_scale_http_request_duration_seconds_count", route=route,
                  method="GET") >= 3


def test_panel_calls_are_counted_and_still_logged(
        client: testing.TestClient, container: Container,
        auth_headers: dict[str, str]) -> None:
    labels = {"action": "balance", "outcome": "success"}
    before = sample(scrape(client), "social_scale_provider_calls_total", **labels)
    logged = len(log_rows(container))
    assert client.simulate_get("/api/v1/api-integrations/balance",
                               headers=auth_headers).status_code == 200
    assert sample(scrape(client), "social_scale_provider_calls_total", **labels) == before + 1
    assert len(log_rows(container)) == logged + 1


def test_sync_lag_is_the_age_of_the_oldest_open_orders_last_check(
        make_container: Callable[..., Container]) -> None:
    container = make_container()
    client = testing.TestClient(create_app(container))
    assert sample(scrape(client), "social_scale_sync_lag_seconds") == 0
    created = datetime.now(UTC) - timedelta(hours=1)
    store(container.engine(), Data(["00000000-0000-0000-0000-00000000000a"], [
        _order(1, 0, status="in_progress", created_at=created)]))
    with container.engine().begin() as conn:
        conn.execute(update(orders).values(api_order_id=42))
    lag = sample(scrape(client), "social_scale_sync_lag_seconds")
    assert 3590 <= lag <= 3700


def test_a_metrics_token_guards_the_endpoint(make_container: Callable[..., Container]) -> None:
    client = testing.TestClient(create_app(make_container(metrics_token="scrape-me")))
    assert_problem(client.simulate_get("/metrics"), 401, "invalid_token")
    assert_problem(client.simulate_get("/metrics", headers={"Authorization": "Bearer no"}),
                   401, "invalid_token")
    assert "social_scale_http_requests_total" in scrape(client,
                                                        Authorization="Bearer scrape-me")


def test_metrics_stay_out_of_the_api_document(client: testing.TestClient) -> None:
    assert "/metrics" not in client.simulate_get("/openapi.json").json["paths"]
