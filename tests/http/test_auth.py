"""The auth endpoints over HTTP (TestClient, real container on SQLite, frozen clock)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_core.clock import FrozenClock
from social_scale_wiring.container import Container
from sqlalchemy import text

from tests.fakes.auth import RecordingMailer
from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_SECRET, assert_problem, login

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
AUTH = "/api/v1/auth"
NEW_PASSWORD = "another fine passphrase"


@pytest.fixture(autouse=True)
def clock(container: Container) -> FrozenClock:
    frozen = FrozenClock(T0)
    container.clock.override(providers.Object(frozen))
    return frozen


@pytest.fixture(autouse=True)
def mailer(container: Container) -> RecordingMailer:
    recording = RecordingMailer()
    container.mailer.override(providers.Object(recording))
    return recording


def post(client: testing.TestClient, path: str, body: dict[str, Any],
         **kwargs: Any) -> testing.Result:
    return client.simulate_post(f"{AUTH}/{path}", json=body, **kwargs)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: testing.TestClient) -> testing.Result:
    return post(client, "register", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                     "name": "Admin"})


@pytest.fixture
def session(client: testing.TestClient) -> dict[str, Any]:
    assert register(client).status_code == 201
    return login(client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})


def test_register_returns_the_user_then_refuses_a_second(client: testing.TestClient) -> None:
    result = register(client)
    assert result.status_code == 201
    user = result.json["user"]
    assert set(user) == {"id", "email", "name", "role", "createdAt"}
    assert (user["email"], user["role"], user["createdAt"]) == (
        ADMIN_EMAIL, "SUPER_ADMIN", "2026-04-01T08:00:00Z")
    again = post(client, "register", {"email": "two@agency.in", "password": NEW_PASSWORD,
                                      "name": "Two"})
    assert_problem(again, 409, "admin_exists")


@pytest.mark.parametrize(("body", "field"), [
    ({"email": ADMIN_EMAIL, "password": "too short", "name": "A"}, "password"),
    ({"email": ADMIN_EMAIL, "password": "ADMIN-and-more", "name": "A"}, "password"),
    ({"email": "not-an-email", "password": ADMIN_PASSWORD, "name": "A"}, "email"),
    ({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, "name"),
])
def test_bad_registrations_name_the_field(client: testing.TestClient, body: dict[str, Any],
                                          field: str) -> None:
    problem = assert_problem(post(client, "register", body), 422, "validation_error")
    assert [e["field"] for e in problem["errors"]] == [field]


def test_login_returns_the_token_pair(session: dict[str, Any]) -> None:
    assert set(session) == {"accessToken", "refreshToken", "tokenType", "expiresIn", "user"}
    assert session["tokenType"] == "Bearer" and session["expiresIn"] == 900
    assert session["user"]["email"] == ADMIN_EMAIL
    claims = jwt.decode(session["accessToken"], TEST_SECRET, algorithms=["HS256"],
                        options={"verify_exp": False})
    assert set(claims) == {"sub", "iat", "exp", "jti", "sid", "typ"}
    assert claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == 900


def test_wrong_password_is_401(client: testing.TestClient, session: dict[str, Any]) -> None:
    result = post(client, "login", {"email": ADMIN_EMAIL, "password": "wrong password!"})
    assert_problem(result, 401, "invalid_credentials")
    assert result.headers["www-authenticate"].startswith("Bearer")
    assert_problem(post(client, "login", {"email": "x@agency.in", "password": "whatever!!"}),
                   401, "invalid_credentials")


def test_failed_logins_are_throttled_per_peer_address(client: testing.TestClient,
                                                       session: dict[str, Any],
                                                       clock: FrozenClock) -> None:
    for n in range(5):  # a forged X-Forwarded-For changes nothing
        result = post(client, "login", {"email": ADMIN_EMAIL, "password": "wrong password!"},
                      headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert result.status_code == 401
    limited = post(client, "login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert_problem(limited, 429, "rate_limited")
    assert 0 < int(limited.headers["retry-after"]) <= 900
    right = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    other_peer = post(client, "login", right, remote_addr="192.0.2.7")
    assert_problem(other_peer, 429, "rate_limited")  # the account waits, from anywhere
    clock.advance(seconds=int(other_peer.headers["retry-after"]))
    assert post(client, "login", right, remote_addr="192.0.2.7").status_code == 200


def test_me_returns_the_admin(client: testing.TestClient, session: dict[str, Any]) -> None:
    result = client.simulate_get(f"{AUTH}/me", headers=bearer(session["accessToken"]))
    assert result.status_code == 200
    assert result.json == {"user": session["user"]}


def _forge(payload: dict[str, Any], key: str = TEST_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=alg)


def _claims(session: dict[str, Any]) -> dict[str, Any]:
    return dict(jwt.decode(session["accessToken"], options={"verify_signature": False}))


def _alg_none(session: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(_claims(session))}."


def _tampered(session: dict[str, Any]) -> str:
    head, _payload, sig = session["accessToken"].split(".")
    claims = {**_claims(session), "exp": _claims(session)["exp"] + 86400}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{sig}"


BAD_TOKENS = {
    "garbage": lambda s: "not.a.jwt",
    "tampered": _tampered,
    "alg none": _alg_none,
    "wrong secret": lambda s: _forge(_claims(s), key="w" * 48),
    "HS512": lambda s: _forge(_claims(s), alg="HS512"),
    "refresh as access": lambda s: s["refreshToken"],
    "typ refresh": lambda s: _forge({**_claims(s), "typ": "refresh"}),
    "no typ": lambda s: _forge({k: v for k, v in _claims(s).items() if k != "typ"}),
    "unknown user": lambda s: _forge({**_claims(s), "sub": "no-such-user"}),
}


@pytest.mark.filterwarnings("ignore:The HMAC key")
@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_bad_access_tokens_are_401(client: testing.TestClient, session: dict[str, Any],
                                   kind: str) -> None:
    token = BAD_TOKENS[kind](session)
    assert_problem(client.simulate_get(f"{AUTH}/me", headers=bearer(token)), 401,
                   "invalid_token")


def test_missing_and_expired_tokens_are_401(client: testing.TestClient,
                                            session: dict[str, Any],
                                            clock: FrozenClock) -> None:
    assert_problem(client.simulate_get(f"{AUTH}/me"), 401, "invalid_token")
    assert_problem(client.simulate_get(f"{AUTH}/me", headers={"Authorization": "Basic x"}),
                   401, "invalid_token")
    clock.advance(minutes=15)
    assert_problem(client.simulate_get(f"{AUTH}/me", headers=bearer(session["accessToken"])),
                   401, "invalid_token")


def test_a_deleted_users_token_is_401(client: testing.TestClient, session: dict[str, Any],
                                      container: Container) -> None:
    with container.engine().begin() as conn:
        conn.execute(text("DELETE FROM users"))
    assert_problem(client.simulate_get(f"{AUTH}/me", headers=bearer(session["accessToken"])),
                   401, "invalid_token")


def test_refresh_rotates_and_reuse_revokes_the_family(client: testing.TestClient,
                                                      session: dict[str, Any]) -> None:
    old = session["refreshToken"]
    fresh = post(client, "refresh-token", {"refreshToken": old})
    assert fresh.status_code == 200 and fresh.json["tokenType"] == "Bearer"
    assert fresh.json["refreshToken"] != old
    me = client.simulate_get(f"{AUTH}/me", headers=bearer(fresh.json["accessToken"]))
    assert me.status_code == 200
    assert_problem(post(client, "refresh-token", {"refreshToken": old}), 401, "invalid_token")
    assert_problem(post(client, "refresh-token", {"refreshToken": fresh.json["refreshToken"]}),
                   401, "invalid_token")


def test_an_access_token_is_no_refresh_token(client: testing.TestClient,
                                             session: dict[str, Any]) -> None:
    assert_problem(post(client, "refresh-token", {"refreshToken": session["accessToken"]}),
                   401, "invalid_token")
    assert_problem(post(client, "refresh-token", {}), 422, "validation_error")


def test_logout_needs_a_token_and_ends_the_session(client: testing.TestClient,
                                                   session: dict[str, Any]) -> None:
    body = {"refreshToken": session["refreshToken"]}
    assert_problem(post(client, "logout", body), 401, "invalid_token")
    result = post(client, "logout", body, headers=bearer(session["accessToken"]))
    assert result.status_code == 204 and result.content == b""
    assert_problem(post(client, "refresh-token", body), 401, "invalid_token")


def test_change_password(client: testing.TestClient, session: dict[str, Any]) -> None:
    auth = bearer(session["accessToken"])
    wrong = post(client, "change-password", {"currentPassword": "wrong password!",
                                             "newPassword": NEW_PASSWORD}, headers=auth)
    assert assert_problem(wrong, 422, "validation_error")["errors"][0]["field"] == (
        "currentPassword")
    weak = post(client, "change-password", {"currentPassword": ADMIN_PASSWORD,
                                            "newPassword": "short"}, headers=auth)
    assert assert_problem(weak, 422, "validation_error")["errors"][0]["field"] == "newPassword"
    other = login(client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    done = post(client, "change-password", {"currentPassword": ADMIN_PASSWORD,
                                            "newPassword": NEW_PASSWORD}, headers=auth)
    assert done.status_code == 204
    assert_problem(post(client, "refresh-token", {"refreshToken": other["refreshToken"]}),
                   401, "invalid_token")
    assert_problem(client.simulate_get(f"{AUTH}/me", headers=bearer(other["accessToken"])),
                   401, "invalid_token")  # the other session's access token died at once
    assert client.simulate_get(f"{AUTH}/me", headers=auth).status_code == 200  # this one stays
    assert post(client, "refresh-token", {"refreshToken": session["refreshToken"]}
                ).status_code == 200
    assert_problem(post(client, "login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
                   401, "invalid_credentials")
    assert login(client, {"email": ADMIN_EMAIL, "password": NEW_PASSWORD})["accessToken"]


def _mailed_token(mailer: RecordingMailer) -> str:
    match = re.search(r"^    (\S+)$", mailer.sent[-1].body, re.M)
    assert match
    return match.group(1)


def test_forgot_and_reset_password(client: testing.TestClient, session: dict[str, Any],
                                   mailer: RecordingMailer) -> None:
    unknown = post(client, "forgot-password", {"email": "nobody@agency.in"})
    assert unknown.status_code == 202 and mailer.sent == []
    known = post(client, "forgot-password", {"email": ADMIN_EMAIL})
    assert known.status_code == 202 and known.content == unknown.content
    token = _mailed_token(mailer)
    assert token not in known.text
    body = {"token": token, "newPassword": NEW_PASSWORD}
    assert post(client, "reset-password", body).status_code == 204
    problem = assert_problem(post(client, "reset-password", body), 422, "invalid_reset_token")
    assert problem["errors"][0]["field"] == "token"
    assert_problem(post(client, "refresh-token", {"refreshToken": session["refreshToken"]}),
                   401, "invalid_token")
    assert login(client, {"email": ADMIN_EMAIL, "password": NEW_PASSWORD})["accessToken"]


def test_a_reset_token_expires_after_an_hour(client: testing.TestClient,
                                             session: dict[str, Any], clock: FrozenClock,
                                             mailer: RecordingMailer) -> None:
    post(client, "forgot-password", {"email": ADMIN_EMAIL})
    clock.advance(minutes=59, seconds=59)
    weak = post(client, "reset-password", {"token": _mailed_token(mailer),
                                           "newPassword": "short"})
    assert assert_problem(weak, 422, "validation_error")["errors"][0]["field"] == "newPassword"
    clock.advance(seconds=1)
    late = post(client, "reset-password", {"token": _mailed_token(mailer),
                                           "newPassword": NEW_PASSWORD})
    assert_problem(late, 422, "invalid_reset_token")


def test_forgot_password_and_register_are_limited_per_address(
        client: testing.TestClient, session: dict[str, Any]) -> None:
    for n in range(10):
        assert post(client, "forgot-password", {"email": f"u{n}@agency.in"}).status_code == 202
    limited = post(client, "forgot-password", {"email": ADMIN_EMAIL})
    assert_problem(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    for _ in range(9):  # the registration in `session` was the first of ten
        assert register(client).status_code == 409
    assert_problem(register(client), 429, "rate_limited")


def test_openapi_marks_the_public_auth_routes(client: testing.TestClient) -> None:
    paths = client.simulate_get("/openapi.json").json["paths"]
    public = {"register", "login", "refresh-token", "forgot-password", "reset-password"}
    for name in public | {"logout", "me", "change-password"}:
        ops = paths[f"{AUTH}/{name}"]
        (op,) = ops.values()
        assert ("security" in op) is (name not in public), name
