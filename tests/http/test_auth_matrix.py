"""The auth matrix: every route of the app's own route table, every kind of bad token -> 401.

The routes come from `app.api.routes` (what `Api.route` registered), never from a hand list,
so a route added later is checked the day it lands: it is either in the public list below
(which must equal API.md's) or it refuses every token that is not a live access token.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from falcon import testing
from social_scale_app.app import SocialScaleApp
from social_scale_http.api import Route

from tests.http.conftest import TEST_SECRET, assert_problem, login

# API.md "Conventions / Auth": the only routes that need no token.
PUBLIC = {
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh-token"),
    ("POST", "/api/v1/auth/forgot-password"),
    ("POST", "/api/v1/auth/reset-password"),
    ("POST", "/api/v1/companies"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/assets/{name}"),
}
# Prometheus (issue 6): not behind the bearer auth of the API, but behind its own
# METRICS_TOKEN, which production cannot start without (see test_metrics_needs_its_token).
OWN_TOKEN = {("GET", "/metrics")}
# Plausible path values: an integer for `int` converters, a well-formed UUID otherwise.
SAMPLE_ID = "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f"


def url_of(route: Route) -> str:
    """The route's path with each parameter filled in."""
    path = route.openapi_path
    for name, converter in route.path_params():
        path = path.replace("{" + name + "}", "12345" if converter == "int" else SAMPLE_ID)
    return path


def protected(app: SocialScaleApp) -> list[Route]:
    routes = [r for r in app.api.routes if not r.op.public]
    assert len(routes) >= 20, "the route table looks empty: is the app fully wired?"
    return routes


def call(client: testing.TestClient, route: Route, token: str | None) -> testing.Result:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.simulate_request(route.method, url_of(route), headers=headers, json={})


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(sub: str, **changes: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": sub, "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, "typ": "access"}
    claims.update(changes)
    return claims


def _tampered(token: str) -> str:
    """A real token whose payload was edited (a later expiry) and its signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] += 86_400
    return f"{header}.{_b64(claims)}.{signature}"


def _alg_none(sub: str) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(sub))}."


BadToken = Callable[[dict[str, Any]], str | None]
# Each maker gets the live session (login response) and returns the token to present.
BAD_TOKENS: dict[str, BadToken] = {
    "missing": lambda s: None,
    "empty": lambda s: "",
    "garbage": lambda s: "not-a-jwt",
    "expired": lambda s: jwt.encode(
        _claims(s["user"]["id"], iat=1_600_000_000, exp=1_600_000_600), TEST_SECRET,
        algorithm="HS256"),
    "tampered": lambda s: _tampered(s["accessToken"]),
    "alg_none": lambda s: _alg_none(s["user"]["id"]),
    "alg_none_unsigned_lib": lambda s: jwt.encode(_claims(s["user"]["id"]), key=None,
                                                  algorithm="none"),
    "wrong_secret": lambda s: jwt.encode(_claims(s["user"]["id"]), "x" * 48, algorithm="HS256"),
    "hs512_same_secret": lambda s: jwt.encode(_claims(s["user"]["id"]), TEST_SECRET,
                                              algorithm="HS512"),
    "refresh_as_access": lambda s: s["refreshToken"],
    "refresh_typed_jwt": lambda s: jwt.encode(_claims(s["user"]["id"], typ="refresh"),
                                              TEST_SECRET, algorithm="HS256"),
    "unknown_user": lambda s: jwt.encode(_claims(str(uuid.uuid4()), sid=_sid(s)), TEST_SECRET,
                                         algorithm="HS256"),
    "no_session_claim": lambda s: jwt.encode(_claims(s["user"]["id"]), TEST_SECRET,
                                             algorithm="HS256"),
    "unknown_session": lambda s: jwt.encode(_claims(s["user"]["id"], sid=str(uuid.uuid4())),
                                            TEST_SECRET, algorithm="HS256"),
}


def _sid(session: dict[str, Any]) -> str:
    claims = jwt.decode(session["accessToken"], options={"verify_signature": False})
    return str(claims["sid"])


def _logged_out(client: testing.TestClient, creds: dict[str, str]) -> str:
    s = login(client, creds)
    result = client.simulate_post("/api/v1/auth/logout", json={"refreshToken": s["refreshToken"]},
                                  headers={"Authorization": f"Bearer {s['accessToken']}"})
    assert result.status_code == 204
    return str(s["accessToken"])


def _reused(client: testing.TestClient, creds: dict[str, str]) -> str:
    s = login(client, creds)
    body = {"refreshToken": s["refreshToken"]}
    assert client.simulate_post("/api/v1/auth/refresh-token", json=body).status_code == 200
    assert client.simulate_post("/api/v1/auth/refresh-token", json=body).status_code == 401
    return str(s["accessToken"])


def _other_session_after_password_change(client: testing.TestClient,
                                         creds: dict[str, str]) -> str:
    other, this = login(client, creds), login(client, creds)
    new = "a brand new passphrase 41"
    result = client.simulate_post(
        "/api/v1/auth/change-password", json={"currentPassword": creds["password"],
                                              "newPassword": new},
        headers={"Authorization": f"Bearer {this['accessToken']}"})
    assert result.status_code == 204
    creds["password"] = new
    return str(other["accessToken"])


# Tokens that were genuine until their session ended: each must be 401 on every route.
REVOKED: dict[str, Callable[[testing.TestClient, dict[str, str]], str]] = {
    "after_logout": _logged_out,
    "after_refresh_reuse": _reused,
    "after_password_change": _other_session_after_password_change,
}


@pytest.fixture
def session(client: testing.TestClient, auth_headers: dict[str, str],
            admin_credentials: dict[str, str]) -> dict[str, Any]:
    """A second live login of the admin that `auth_headers` registered."""
    return login(client, admin_credentials)


def test_the_public_routes_are_exactly_those_of_api_md(app: SocialScaleApp) -> None:
    public = {(r.method, r.path) for r in app.api.routes if r.op.public}
    assert public == PUBLIC | OWN_TOKEN


def test_metrics_needs_its_token_and_production_needs_one(
        make_container: Callable[..., Any]) -> None:
    from social_scale_app.app import create_app
    from social_scale_wiring.settings import ConfigError

    token = "m" * 32
    guarded = testing.TestClient(create_app(make_container(metrics_token=token)))
    for header in (None, "", "Bearer wrong", f"Basic {token}"):
        headers = {"Authorization": header} if header is not None else {}
        assert guarded.simulate_get("/metrics", headers=headers).status_code == 401, header
    ok = guarded.simulate_get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        make_container(app_env="production", metrics_token=None, password_hash_profile="strong",
                       jwt_secret="Zx4qT9wLm2Vb7Rk0Pn5Hs8Jd3Fg6Ya1Ce",
                       fampage_api_key="FPK-7c1d2e3f4a5b6c7d").settings().check_production()


def test_the_route_table_is_what_falcon_serves(app: SocialScaleApp,
                                               client: testing.TestClient) -> None:
    """Every method Falcon routes for a registered path is in the table (no side doors)."""
    listed = {(r.method, r.path) for r in app.api.routes}
    for route in app.api.routes:
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            result = client.simulate_request(method, url_of(route), json={})
            if (method, route.path) not in listed:
                assert result.status_code in (404, 405), (method, route.path, result.status)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_every_protected_route_refuses_a_bad_token(app: SocialScaleApp,
                                                   client: testing.TestClient,
                                                   session: dict[str, Any], kind: str) -> None:
    token = BAD_TOKENS[kind](session)
    leaks = []
    for route in protected(app):
        result = call(client, route, token)
        if result.status_code != 401:
            leaks.append(f"{route.method} {route.path} -> {result.status_code}")
            continue
        body = assert_problem(result, 401, "invalid_token")
        assert result.headers["www-authenticate"].startswith("Bearer")
        assert "Traceback" not in json.dumps(body)
    assert not leaks, f"{kind} token accepted by: {leaks}"


@pytest.mark.parametrize("kind", list(REVOKED))
def test_every_protected_route_refuses_a_revoked_session(
        app: SocialScaleApp, client: testing.TestClient, session: dict[str, Any],
        admin_credentials: dict[str, str], kind: str) -> None:
    token = REVOKED[kind](client, dict(admin_credentials))
    leaks = []
    for route in protected(app):
        result = call(client, route, token)
        if result.status_code != 401:
            leaks.append(f"{route.method} {route.path} -> {result.status_code}")
            continue
        assert_problem(result, 401, "invalid_token")
    assert not leaks, f"{kind} token accepted by: {leaks}"


def test_a_basic_scheme_is_no_bearer_token(app: SocialScaleApp, client: testing.TestClient,
                                           session: dict[str, Any]) -> None:
    for route in protected(app):
        result = client.simulate_request(
            route.method, url_of(route), json={},
            headers={"Authorization": f"Basic {session['accessToken']}"})
        assert result.status_code == 401, (route.method, route.path)


def test_the_live_token_gets_past_auth_everywhere(app: SocialScaleApp,
                                                  client: testing.TestClient,
                                                  session: dict[str, Any]) -> None:
    """The control: the same calls with the real token are never 401 (nor 5xx), so the
    401s above come from the token, not from the way the matrix calls the routes."""
    for route in protected(app):
        if route.path.endswith("/logout") or route.path.endswith("/change-password"):
            continue  # they would end the session the matrix relies on (and are 422 anyway)
        result = call(client, route, session["accessToken"])
        assert result.status_code != 401 and result.status_code < 500, (
            route.method, route.path, result.status_code, result.text[:300])


def test_a_token_expiring_now_is_refused(app: SocialScaleApp, client: testing.TestClient,
                                         session: dict[str, Any]) -> None:
    """Expiry is exact: a token whose `exp` is this second no longer works."""
    now = int(datetime.now(UTC).timestamp())
    token = jwt.encode(_claims(session["user"]["id"], iat=now - 900, exp=now), TEST_SECRET,
                       algorithm="HS256")
    route = next(r for r in protected(app) if r.path == "/api/v1/auth/me")
    assert call(client, route, token).status_code == 401
    fresh = (datetime.now(UTC) + timedelta(minutes=5)).timestamp()
    sid = jwt.decode(session["accessToken"], options={"verify_signature": False})["sid"]
    ok = jwt.encode(_claims(session["user"]["id"], exp=int(fresh), sid=sid), TEST_SECRET,
                    algorithm="HS256")
    assert call(client, route, ok).status_code == 200
