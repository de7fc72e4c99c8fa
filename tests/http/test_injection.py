"""Hostile strings in every path and query parameter of every route: 4xx (or an empty
result), never a 5xx, and nothing stored changes. On SQLite and PostgreSQL.

Routes and their query parameters come from the app's route table and the operations'
query models, so a new route or filter is attacked as soon as it exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from falcon import testing
from social_scale_adapters.db.tables import metadata
from social_scale_app.app import SocialScaleApp, create_app
from social_scale_http.api import Route
from social_scale_wiring.container import Container
from sqlalchemy import select

from tests.http.integration_helpers import admin_headers

INJECTIONS = [
    "' OR 1=1 --",
    "1' OR '1'='1",
    "1; DROP TABLE orders; --",
    '" OR ""="',
    "%00",
    "abc\x00def",
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "..\\..\\windows\\win.ini",
    "99999999999999999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "-1",
    "1e309",
    "NaN",
    "\U0001d574\U0001d593 \u00f1 \u202e\u200b \u4e2d\u6587 \U0001f642",  # styled, RTL, CJK
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "%s%s%s%n",
    "a" * 5000,
    "",
    " ",
]
# Values that would widen a string filter if they reached SQL as text (blank values mean
# "no filter" on purpose, and "-1" is a valid unix time for `from`).
SQL_LIKE = frozenset(INJECTIONS[:4])
# Bodies that let a write route get past validation to its lookup of the injected id.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", "/api/v1/companies/{company_id}"): {"name": "Renamed"},
    ("PUT", "/api/v1/orders/{order_id}/status"): {"status": "completed"},
    ("PUT", "/api/v1/orders/{order_id}/stats"): {"remains": 1},
    ("PUT", "/api/v1/invoices/{invoice_id}/status"): {"status": "paid"},
}
# Volatile tables: written by reads on purpose (the panel's call log) or by the seeding.
VOLATILE = {"integration_logs", "rate_limits", "service_cache"}
FOLLOWERS = 2124  # the sandbox's Instagram Followers service (Default, 10..100000)


class Target:
    """An app on one backend with a company, a placed order and its invoice."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.app: SocialScaleApp = create_app(container)
        self.client = testing.TestClient(self.app)
        self.headers = admin_headers(self.client)
        company = self.client.simulate_post("/api/v1/companies", json={"name": "Acme"})
        assert company.status_code == 201, company.text
        placed = self.client.simulate_post(
            "/api/v1/api-integrations/orders", headers=self.headers,
            json={"companyId": company.json["company"]["id"], "service": FOLLOWERS,
                  "link": "https://instagram.com/acme", "quantity": 100})
        assert placed.status_code == 201, placed.text

    def snapshot(self) -> dict[str, list[str]]:
        with self.container.engine().connect() as conn:
            return {t.name: sorted(repr(tuple(r)) for r in conn.execute(select(t)))
                    for t in metadata.sorted_tables if t.name not in VOLATILE}

    def request(self, method: str, path: str, params: dict[str, str] | None = None,
                body: dict[str, Any] | None = None) -> testing.Result:
        return self.client.simulate_request(method, path, params=params, json=body or {},
                                            headers=self.headers)


@pytest.fixture
def target(make_container: Callable[..., Container], db_url: str) -> Iterator[Target]:
    yield Target(make_container(db_url))


def fill(route: Route, injected: str | None = None, name: str | None = None) -> str:
    """The route's path, `name` set to `injected` (URL-quoted), the others plausible."""
    path = route.openapi_path
    for param, converter in route.path_params():
        value = "1" if converter == "int" else "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f"
        if param == name and injected is not None:
            value = quote(injected, safe="")
        path = path.replace("{" + param + "}", value)
    return path


def query_names(route: Route) -> list[str]:
    model = route.op.query
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _check(result: testing.Result, where: str, failures: list[str],
           sql_like: bool = False) -> None:
    if result.status_code >= 500:
        failures.append(f"{where} -> {result.status_code} {result.text[:200]}")
        return
    lowered = result.text.lower()
    for leak in ("traceback", "sqlalchemy", "psycopg", "sqlite3", "select "):
        if leak in lowered and not where.startswith("GET /docs"):
            failures.append(f"{where} -> leaks {leak!r}")
    listed = result.status_code == 200 and isinstance(result.json, dict) and (
        "items" in result.json)
    if listed and sql_like and result.json["items"]:
        failures.append(f"{where} -> widened a filter: {len(result.json['items'])} items")


def test_path_parameters(target: Target) -> None:
    before = target.snapshot()
    failures: list[str] = []
    for route in target.app.api.routes:
        body = BODIES.get((route.method, route.path))
        for name, _converter in route.path_params():
            for value in filter(None, INJECTIONS):  # "" would name the parent route
                result = target.request(route.method, fill(route, value, name), body=body)
                _check(result, f"{route.method} {route.path} {name}={value[:40]!r}", failures)
                if result.status_code < 400 and route.method != "GET":
                    failures.append(f"{route.method} {route.path} accepted {value[:40]!r}")
    assert not failures, "\n".join(failures)
    assert target.snapshot() == before


def test_query_parameters(target: Target) -> None:
    before = target.snapshot()
    failures: list[str] = []
    for route in target.app.api.routes:
        for name in query_names(route):
            for value in INJECTIONS:
                result = target.request(route.method, fill(route), params={name: value})
                _check(result, f"{route.method} {route.path} ?{name}={value[:40]!r}", failures,
                       sql_like=value in SQL_LIKE)
    assert not failures, "\n".join(failures)
    assert target.snapshot() == before


def test_docs_assets_do_not_traverse(target: Target) -> None:
    for value in ("../../../../etc/passwd", "..%2F..%2Fsettings.py", "/etc/passwd",
                  "....//....//etc/passwd", "..\\..\\app.py", "%2e%2e/%2e%2e/etc/passwd"):
        result = target.client.simulate_get(f"/docs/assets/{value}")
        assert result.status_code == 404, (value, result.status_code)
        assert "root:" not in result.text
