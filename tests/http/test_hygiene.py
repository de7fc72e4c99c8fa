"""HTTP hygiene across the whole route table: security headers on every response, the CORS
allow-list, body limits on real routes, and rate limits answering 429 with Retry-After."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from falcon import testing
from social_scale_app.app import SocialScaleApp, create_app
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.integration_helpers import admin_headers
from tests.http.test_auth_matrix import url_of

API_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def assert_hardened(result: testing.Result, path: str) -> None:
    """The security headers of middleware.RequestContext, whatever the status."""
    headers = result.headers
    for name, value in API_HEADERS.items():
        assert headers.get(name) == value, (path, result.status_code, name)
    csp = headers.get("content-security-policy", "")
    if path.startswith("/docs"):
        assert "default-src 'self'" in csp and "'unsafe-eval'" not in csp, (path, csp)
    else:
        assert csp == "default-src 'none'; frame-ancestors 'none'", (path, csp)
    assert len(headers.get("x-request-id", "")) >= 8
    if path.startswith("/api/"):
        assert headers.get("cache-control") == "no-store", path


@pytest.fixture
def admin(client: testing.TestClient) -> dict[str, str]:
    return admin_headers(client)


def test_every_route_answers_with_the_security_headers(
        app: SocialScaleApp, client: testing.TestClient, admin: dict[str, str]) -> None:
    """Successes, 401s, 404s, 405s, 422s: each response of each route is hardened."""
    statuses = set()
    for route in app.api.routes:
        path = url_of(route)
        for headers in ({}, admin):
            result = client.simulate_request(route.method, path, headers=headers, json={})
            assert result.status_code < 500, (route.method, path, result.text[:200])
            assert_hardened(result, path)
            statuses.add(result.status_code)
    for method, path in (("GET", "/nowhere"), ("PATCH", "/health/live"),
                         ("POST", "/api/v1/auth/login")):
        for content_type in ("application/json", "text/plain"):
            result = client.simulate_request(method, path, body="{not json",
                                             content_type=content_type)
            assert_hardened(result, path)
            statuses.add(result.status_code)
    assert {200, 401, 404, 405, 400, 415, 422} <= statuses


def test_a_problem_from_a_crash_is_hardened_too(app: SocialScaleApp) -> None:
    from tests.http.test_platform import EchoResource

    app.api.route("/test/boom", EchoResource())
    result = testing.TestClient(app).simulate_get("/test/boom")
    assert_problem(result, 500, "internal_error")
    assert_hardened(result, "/test/boom")


def test_cors_is_off_without_an_allow_list(client: testing.TestClient) -> None:
    for origin in ("https://ops.example", "null", "http://localhost:3000"):
        preflight = client.simulate_options("/api/v1/auth/login", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in preflight.headers
        got = client.simulate_get("/health/live", headers={"Origin": origin})
        assert "access-control-allow-origin" not in got.headers


def test_cors_allows_only_listed_origins_on_every_route(
        make_container: Callable[..., Container]) -> None:
    app = create_app(make_container(cors_origins="https://ops.example,https://admin.example"))
    client = testing.TestClient(app)
    for route in app.api.routes:
        path = url_of(route)
        ok = client.simulate_options(path, headers={
            "Origin": "https://admin.example", "Access-Control-Request-Method": route.method,
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert ok.status_code < 300, (path, ok.status_code)  # preflight needs no token
        assert ok.headers.get("access-control-allow-origin") == "https://admin.example"
        assert route.method in ok.headers.get("access-control-allow-methods", "")
        assert ok.headers.get("access-control-allow-credentials") != "true"
        for evil in ("https://evil.example", "https://ops.example.evil.com", "null",
                     "https://OPS.example.", "http://ops.example"):
            bad = client.simulate_options(path, headers={
                "Origin": evil, "Access-Control-Request-Method": route.method})
            assert "access-control-allow-origin" not in bad.headers, (path, evil)
    simple = client.simulate_get("/health/live", headers={"Origin": "https://ops.example"})
    assert simple.headers["access-control-allow-origin"] == "https://ops.example"
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/companies",
                                  "/api/v1/api-integrations/orders"])
def test_an_oversized_body_is_413_on_real_routes(make_container: Callable[..., Container],
                                                 path: str) -> None:
    client = testing.TestClient(create_app(make_container(max_body_bytes=4096)))
    big = '{"name": "' + "x" * 5000 + '"}'
    result = client.simulate_post(path, body=big, headers={"Content-Type": "application/json"})
    assert_problem(result, 413, "payload_too_large")
    fits = client.simulate_post(path, body='{"name": "' + "x" * 3000 + '"}',
                                headers={"Content-Type": "application/json"})
    assert fits.status_code != 413


def test_a_body_of_unknown_length_is_411(client: testing.TestClient) -> None:
    result = client.simulate_post("/api/v1/auth/login",
                                  headers={"Transfer-Encoding": "chunked",
                                           "Content-Type": "application/json"})
    assert_problem(result, 411, "length_required")


def _post_n(client: testing.TestClient, path: str, body: Callable[[int], dict[str, Any]],
            n: int) -> list[testing.Result]:
    return [client.simulate_post(path, json=body(i)) for i in range(n)]


@pytest.mark.parametrize(("path", "body", "allowed"), [
    ("/api/v1/auth/login", lambda i: {"email": "admin@socialscale.test", "password": "nope"}, 5),
    ("/api/v1/auth/forgot-password", lambda i: {"email": f"u{i}@x.test"}, 10),
    ("/api/v1/auth/register", lambda i: {"email": f"u{i}@x.test", "password": "p" * 12,
                                         "name": "X"}, 10),
    ("/api/v1/companies", lambda i: {"name": f"Co {i}"}, 20),
])
def test_the_public_writes_are_rate_limited_with_retry_after(
        client: testing.TestClient, path: str, body: Callable[[int], dict[str, Any]],
        allowed: int) -> None:
    results = _post_n(client, path, body, allowed + 2)
    assert all(r.status_code != 429 for r in results[:allowed]), [
        r.status_code for r in results]
    for limited in results[allowed:]:
        assert_problem(limited, 429, "rate_limited")
        assert 0 < int(limited.headers["retry-after"]) <= 3600


# ---- money holes (issue 11): public bodies and links of another network -------------
# Every public route's body, field for field. A new public field must be added here on
# purpose (and must never be a price): a body that grows unnoticed fails this suite.
PUBLIC_BODIES: dict[tuple[str, str], set[str]] = {
    ("POST", "/api/v1/companies"): {"name", "email", "phone", "address", "gstin", "stateCode",
                                    "notes"},
    ("POST", "/api/v1/auth/register"): {"email", "password", "name"},
    ("POST", "/api/v1/auth/login"): {"email", "password"},
    ("POST", "/api/v1/auth/refresh-token"): {"refreshToken"},
    ("POST", "/api/v1/auth/forgot-password"): {"email"},
    ("POST", "/api/v1/auth/reset-password"): {"token", "newPassword"},
}
# Names that set money or state somewhere in the API; none may pass a public door.
PRIVILEGED = ("defaultInvoiceMultiplier", "default_invoice_multiplier", "invoiceMultiplier",
              "multiplier", "allowBelowCost", "role", "status", "price", "rate", "cost",
              "charge", "deletedAt", "id", "createdAt", "isAdmin")


def _public_routes(app: SocialScaleApp) -> list[tuple[str, str, Any]]:
    return [(r.method, r.path, r.op.body) for r in app.api.routes
            if r.op.public and r.op.body is not None]


def test_every_public_body_takes_exactly_its_documented_fields(app: SocialScaleApp) -> None:
    found = {(method, path): {f.alias or name for name, f in body.model_fields.items()}
             for method, path, body in _public_routes(app)}
    assert found == PUBLIC_BODIES


def _minimal(fields: set[str]) -> dict[str, Any]:
    samples = {"email": "someone@x.test", "password": "p" * 12, "newPassword": "p" * 12,
               "name": "X", "token": "t" * 20, "refreshToken": "r" * 20}
    return {f: samples[f] for f in fields if f in samples}


def test_no_public_body_takes_a_privileged_or_snake_case_field(
        app: SocialScaleApp, client: testing.TestClient) -> None:
    """Seen: POST /companies without a token took `defaultInvoiceMultiplier` (and
    `default_invoice_multiplier`): the admin's next order was invoiced at 0.03 x cost."""
    for method, path, body in _public_routes(app):
        snake = {name for name, f in body.model_fields.items() if (f.alias or name) != name}
        for extra in (*PRIVILEGED, *sorted(snake)):
            sent = {**_minimal(PUBLIC_BODIES[(method, path)]), extra: "0.0001"}
            result = client.simulate_request(method, path, json=sent)
            problem = assert_problem(result, 422, "validation_error")
            assert {"field": extra, "message": "unknown field"} in problem["errors"], (
                path, extra, problem)
    assert client.simulate_get("/api/v1/companies", headers=admin_headers(client)).json[
        "total"] == 0


def test_no_link_of_another_network_reaches_the_panel(client: testing.TestClient,
                                                      container: Container,
                                                      admin: dict[str, str]) -> None:
    """Every host of every network we know (NETWORK_HOSTS: a new network joins this test
    by itself) against a service of each other network the catalog sells: 422 on `link`
    naming both networks, and the panel never asked to `add`."""
    from social_scale_core.orders.links import NETWORK_HOSTS

    company = client.simulate_post("/api/v1/companies", json={"name": "Acme"}).json
    listing = client.simulate_get("/api/v1/api-integrations/services", headers=admin).json
    by_network = {n["network"]: s["service"] for n in listing["networks"]
                  for s in n["services"] if n["network"] in NETWORK_HOSTS
                  and s["type"] == "Default" and s["min"] <= 1000 <= s["max"]}
    assert len(by_network) >= 8, by_network
    tried = 0
    for network, hosts in NETWORK_HOSTS.items():
        for host in hosts:
            for other, service in by_network.items():
                if other == network:
                    continue
                result = client.simulate_post(
                    "/api/v1/api-integrations/orders", headers=admin, json={
                        "companyId": company["company"]["id"], "service": service,
                        "link": f"{host}/target", "quantity": 1000})
                problem = assert_problem(result, 422, "validation_error")
                [error] = problem["errors"]
                assert error["field"] == "link" and network in error["message"]
                assert other in error["message"], (host, other, error)
                tried += 1
    assert tried > 500 and container.simulator().state.calls["add"] == 0

@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_declared_json_is_415(client: testing.TestClient,
                                                 content_type: str) -> None:
    """Issue 12: also what a cross-site "simple" request would send."""
    result = client.simulate_post("/api/v1/companies", body='{"name": "Co"}',
                                  content_type=content_type)
    assert_problem(result, 415, "unsupported_media_type")
    assert_hardened(result, "/api/v1/companies")


@pytest.mark.parametrize("depth", [33, 995, 50_000])
def test_json_nested_deeper_than_32_is_400(client: testing.TestClient, depth: int) -> None:
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    result = client.simulate_post("/api/v1/companies", body=body,
                                  content_type="application/json")
    assert_problem(result, 400, "json_too_deep")


@pytest.mark.parametrize(("path", "param", "value"), [
    ("/api/v1/invoices", "to", "9999-12-31"),
    ("/api/v1/orders", "to", "0001-01-01T00:00:00+14:00"),
    ("/api/v1/analytics", "from", "0001-01-01T00:00:00+01:00"),
    ("/api/v1/orders/stats", "from", "1969-12-31T23:59:59Z"),
])
def test_dates_outside_1970_to_2100_are_422(client: testing.TestClient, admin: dict[str, str],
                                            path: str, param: str, value: str) -> None:
    result = client.simulate_get(path, params={param: value}, headers=admin)
    body = assert_problem(result, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [param]
