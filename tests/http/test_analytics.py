"""Analytics endpoints: auth, validation, URL spellings, paging, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from falcon import testing
from social_scale_adapters.db.companies import companies
from social_scale_wiring.container import Container
from sqlalchemy import Engine, update

from tests.analytics_data import BASE, Bill, Data, Note, Ord, store
from tests.http.conftest import assert_problem

A, B = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"


def _order(n: int, company: int, **values: Any) -> Ord:
    base: dict[str, Any] = dict(
        id=f"10000000-0000-0000-0000-{n:012d}", company=company, service=101,
        target="instagram.com/alpha", link="https://www.instagram.com/alpha/", quantity=100,
        runs=None, status="completed", currency="INR", cost=Decimal("10.5"), charge=None,
        created_at=BASE + timedelta(days=n), bill=None)
    base.update(values)
    return Ord(**base)


DATA = Data([A, B], [
    _order(1, 0, charge=Decimal("9.25"), bill=Bill("i-1", "paid", "INR", Decimal("84.00"),
                                                   [Note("c-1", "INR", Decimal("-20.00"))])),
    _order(2, 0, status="canceled", bill=Bill("i-2", "void", "INR", Decimal("84.00"))),
    _order(3, 1, currency="USD", link="tiktok.com/@beta", target="tiktok.com/@beta",
           service=202, bill=Bill("i-3", "sent", "USD", Decimal("3.00"))),
])


@pytest.fixture
def seeded(container: Container, auth_headers: dict[str, str]) -> dict[str, str]:
    store(container.engine(), DATA)
    return auth_headers


def test_analytics_need_the_admin_token(client: testing.TestClient) -> None:
    for path in ("/api/v1/analytics", "/api/v1/analytics/stats",
                 "/api/v1/analytics/target?url=x.com", f"/api/v1/analytics/company/{A}/history"):
        assert_problem(client.simulate_get(path), 401, "invalid_token")


def test_one_company_history_sums_credited_and_void_orders(
        client: testing.TestClient, seeded: dict[str, str]) -> None:
    body = client.simulate_get(f"/api/v1/analytics/company/{A}/history",
                               headers=seeded).json
    assert body["total"] == 2
    assert body["summary"]["money"] == [{"currency": "INR", "realCost": "9.2500",
                                         "revenue": "64.00", "profit": "54.75",
                                         "margin": "85.55"}]
    canceled, done = body["items"]
    assert (canceled["realCost"], canceled["revenue"], canceled["invoiceStatus"]) == (
        "0.0000", "0.00", "void")
    # Invoiced money (revenue, profit) to the cent; panel money at the panel's precision.
    assert (done["realCost"], done["revenue"], done["profit"]) == ("9.2500", "64.00",
                                                                   "54.75")


@pytest.mark.parametrize("spelling", ["instagram.com/alpha", "HTTP://Instagram.com/alpha",
                                      "https://www.instagram.com/alpha/"])
def test_every_spelling_of_a_target_finds_its_orders(
        client: testing.TestClient, seeded: dict[str, str], spelling: str) -> None:
    by_path = client.simulate_get(f"/api/v1/analytics/target/{quote(spelling, safe='')}",
                                  headers=seeded).json
    by_query = client.simulate_get("/api/v1/analytics/target", params={"url": spelling},
                                   headers=seeded).json
    assert by_path == by_query
    assert by_path["targetKey"] == "instagram.com/alpha" and by_path["total"] == 2


def test_bad_input_is_422_naming_the_field(client: testing.TestClient,
                                           seeded: dict[str, str]) -> None:
    body = assert_problem(client.simulate_get(
        "/api/v1/analytics/stats?from=2026-05-01&to=2026-04-01", headers=seeded), 422,
        "validation_error")
    assert body["errors"][0]["field"] == "from"
    body = assert_problem(client.simulate_get(
        "/api/v1/analytics/target?url=ftp://x.com/a", headers=seeded), 422, "validation_error")
    assert body["errors"][0]["field"] == "targetUrl"
    body = assert_problem(client.simulate_get("/api/v1/analytics?from=yesterday",
                                              headers=seeded), 422, "validation_error")
    assert body["errors"][0]["field"].startswith("from")
    assert_problem(client.simulate_get("/api/v1/analytics/target", headers=seeded), 422,
                   "validation_error")


def test_an_unknown_company_has_no_history(client: testing.TestClient,
                                           seeded: dict[str, str]) -> None:
    assert_problem(client.simulate_get("/api/v1/analytics/company/nope/history",
                                       headers=seeded), 404, "not_found")


def test_companies_are_paged_by_name_with_their_figures(
        client: testing.TestClient, seeded: dict[str, str]) -> None:
    first = client.simulate_get("/api/v1/analytics?limit=1", headers=seeded).json
    second = client.simulate_get("/api/v1/analytics?limit=1&offset=1", headers=seeded).json
    assert (first["total"], first["items"][0]["companyId"]) == (2, A)
    assert first["items"][0]["networks"] == ["Instagram"]
    assert second["items"][0]["money"][0]["currency"] == "USD"
    assert second["items"][0]["servicesUsed"] == 1


def _csv(result: testing.Result) -> list[dict[str, str]]:
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(result.text)))


def test_csv_exports_carry_the_same_figures(client: testing.TestClient,
                                            seeded: dict[str, str]) -> None:
    rows = _csv(client.simulate_get("/api/v1/analytics?format=csv", headers=seeded))
    assert [(r["companyId"], r["currency"], r["profit"]) for r in rows] == [
        (A, "INR", "54.75"), (B, "USD", "-7.50")]
    accept = {**seeded, "Accept": "text/csv"}
    stats = _csv(client.simulate_get("/api/v1/analytics/stats", headers=accept))
    assert {(r["dimension"], r["key"], r["currency"]) for r in stats} >= {
        ("total", "", "INR"), ("total", "", "USD"), ("status", "canceled", "INR")}
    history = _csv(client.simulate_get(f"/api/v1/analytics/company/{A}/history?limit=1",
                                       headers=accept))
    assert len(history) == 2  # an export is every order, not one page
    assert history[0]["link"] == "https://www.instagram.com/alpha/"
    target = _csv(client.simulate_get("/api/v1/analytics/target/tiktok.com%2F%40beta",
                                      headers=accept))
    assert [(r["currency"], r["revenue"]) for r in target] == [("USD", "3.00")]


def test_json_is_the_default_even_when_csv_is_acceptable(
        client: testing.TestClient, seeded: dict[str, str]) -> None:
    result = client.simulate_get("/api/v1/analytics/stats",
                                 headers={**seeded, "Accept": "application/json, text/csv"})
    assert result.headers["content-type"].startswith("application/json")


def test_csv_cells_cannot_start_formulas(container: Container, client: testing.TestClient,
                                         auth_headers: dict[str, str]) -> None:
    engine: Engine = container.engine()
    store(engine, Data([A], [_order(1, 0, link="https://x.com/=cmd", target="x.com/=cmd")]))
    with engine.begin() as conn:
        conn.execute(update(companies).values(name="=HYPERLINK(1)"))
    rows = _csv(client.simulate_get("/api/v1/analytics?format=csv", headers=auth_headers))
    assert rows[0]["name"] == "'=HYPERLINK(1)"
