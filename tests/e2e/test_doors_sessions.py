"""Sessions end when they end (issue 12, item 1), over real sockets on gunicorn with two
workers, on SQLite and PostgreSQL: a revoked session's access token is 401 within a second
on every worker; a password change or reset ends the sessions issued before it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import E2E_BOOTSTRAP
from tests.smtp_server import MailCatcher

pytestmark = pytest.mark.e2e
EMAIL = "owner@agency.in"
FIRST, SECOND, THIRD = "first fine passphrase", "second fine passphrase", "third passphrase!"


def _login(auth: str, password: str = FIRST) -> dict[str, Any]:
    result = httpx.post(f"{auth}/login", json={"email": EMAIL, "password": password})
    assert result.status_code == 200, result.text
    body: dict[str, Any] = result.json()
    return body


def me_statuses(auth: str, token: str, n: int = 6) -> set[int]:
    """GET /me `n` times, each on a new connection, so that both workers answer."""
    return {httpx.get(f"{auth}/me", headers={"Authorization": f"Bearer {token}",
                                             "Connection": "close"}).status_code
            for _ in range(n)}


def refused_within_a_second(auth: str, token: str) -> None:
    """The revocation holds on every worker at once: 401 from the first try, and no worker
    still answering 200 during the next second."""
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        assert me_statuses(auth, token, 2) == {401}


@pytest.fixture
def auth(live_server: Callable[..., str], db_env: dict[str, str],
         smtp: MailCatcher) -> str:
    base = live_server(WEB_CONCURRENCY="2", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port),
                       **db_env)
    url = f"{base}/api/v1/auth"
    created = httpx.post(f"{url}/register", json={"email": EMAIL, "password": FIRST,
                                                  "name": "Owner"},
                         headers={"X-Bootstrap-Token": E2E_BOOTSTRAP})
    assert created.status_code == 201, created.text
    return url


@pytest.fixture
def smtp() -> Any:
    with MailCatcher() as catcher:
        yield catcher


def test_logout_ends_the_access_token_on_every_worker(auth: str) -> None:
    session, other = _login(auth), _login(auth)
    assert me_statuses(auth, session["accessToken"]) == {200}
    out = httpx.post(f"{auth}/logout", json={"refreshToken": session["refreshToken"]},
                     headers={"Authorization": f"Bearer {session['accessToken']}"})
    assert out.status_code == 204
    refused_within_a_second(auth, session["accessToken"])
    assert me_statuses(auth, other["accessToken"]) == {200}  # only that session ended


def test_reuse_of_a_spent_refresh_token_ends_the_family_at_once(auth: str) -> None:
    stolen = _login(auth)
    rotated = httpx.post(f"{auth}/refresh-token", json={"refreshToken": stolen["refreshToken"]})
    assert rotated.status_code == 200
    again = httpx.post(f"{auth}/refresh-token", json={"refreshToken": stolen["refreshToken"]})
    assert again.status_code == 401
    for token in (stolen["accessToken"], rotated.json()["accessToken"]):
        refused_within_a_second(auth, token)


def test_change_password_ends_the_other_sessions_and_keeps_this_one(auth: str) -> None:
    this, other = _login(auth), _login(auth)
    changed = httpx.post(f"{auth}/change-password",
                         json={"currentPassword": FIRST, "newPassword": SECOND},
                         headers={"Authorization": f"Bearer {this['accessToken']}"})
    assert changed.status_code == 204
    refused_within_a_second(auth, other["accessToken"])
    assert httpx.post(f"{auth}/refresh-token", json={
        "refreshToken": other["refreshToken"]}).status_code == 401
    assert me_statuses(auth, this["accessToken"]) == {200}


def test_a_reset_ends_every_session(auth: str, smtp: MailCatcher) -> None:
    sessions = [_login(auth), _login(auth)]
    assert httpx.post(f"{auth}/forgot-password", json={"email": EMAIL}).status_code == 202
    (message,) = smtp.wait_for(1)
    match = re.search(r"^    (\S+)\s*$", message.get_payload(), re.M)
    assert match
    reset = httpx.post(f"{auth}/reset-password",
                       json={"token": match.group(1), "newPassword": THIRD})
    assert reset.status_code == 204
    for session in sessions:
        refused_within_a_second(auth, session["accessToken"])
    assert me_statuses(auth, _login(auth, THIRD)["accessToken"]) == {200}
