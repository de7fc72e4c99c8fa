"""The whole auth flow against gunicorn over real sockets, with mail through real SMTP."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from tests.smtp_server import MailCatcher

pytestmark = pytest.mark.e2e
EMAIL = "owner@agency.in"
FIRST, SECOND, THIRD = "first fine passphrase", "second fine passphrase", "third passphrase!"


def _reset_token(smtp: MailCatcher) -> str:
    (message,) = smtp.wait_for(1)
    assert message["To"] == EMAIL
    match = re.search(r"^    (\S+)\s*$", message.get_payload(), re.M)
    assert match, message.get_payload()
    return match.group(1)


def test_register_to_reset_and_back(live_server: Callable[..., str]) -> None:
    with MailCatcher() as smtp:
        base = live_server(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port))
        with httpx.Client(base_url=f"{base}/api/v1/auth", timeout=10) as api:
            created = api.post("/register", json={"email": EMAIL, "password": FIRST,
                                                  "name": "Owner"})
            assert created.status_code == 201, created.text
            assert api.post("/register", json={"email": "x@agency.in", "password": FIRST,
                                               "name": "X"}).status_code == 409
            tokens = api.post("/login", json={"email": EMAIL, "password": FIRST}).json()
            rotated = api.post("/refresh-token", json={"refreshToken": tokens["refreshToken"]})
            assert rotated.status_code == 200
            auth = {"Authorization": f"Bearer {rotated.json()['accessToken']}"}
            me = api.get("/me", headers=auth)
            assert me.json()["user"]["email"] == EMAIL and me.json()["user"]["role"] == (
                "SUPER_ADMIN")
            other = api.post("/login", json={"email": EMAIL, "password": FIRST}).json()
            changed = api.post("/change-password", headers=auth,
                               json={"currentPassword": FIRST, "newPassword": SECOND})
            assert changed.status_code == 204
            assert api.post("/refresh-token", json={  # the other session ended
                "refreshToken": other["refreshToken"]}).status_code == 401
            assert api.post("/refresh-token", json={  # this one goes on
                "refreshToken": rotated.json()["refreshToken"]}).status_code == 200
            assert api.post("/forgot-password", json={"email": EMAIL}).status_code == 202
            token = _reset_token(smtp)
            reset = api.post("/reset-password", json={"token": token, "newPassword": THIRD})
            assert reset.status_code == 204
            assert api.post("/reset-password", json={"token": token,
                                                     "newPassword": FIRST}).status_code == 422
            assert api.post("/login", json={"email": EMAIL,
                                            "password": SECOND}).status_code == 401
            final = api.post("/login", json={"email": EMAIL, "password": THIRD})
            assert final.status_code == 200 and final.json()["tokenType"] == "Bearer"


def test_login_throttle_is_shared_by_the_workers(live_server: Callable[..., str]) -> None:
    base = f"{live_server()}/api/v1/auth"
    assert httpx.post(f"{base}/register", json={"email": EMAIL, "password": FIRST,
                                                "name": "Owner"}).status_code == 201
    statuses = []
    for _ in range(6):  # a new connection each time, so both workers take turns
        wrong = httpx.post(f"{base}/login", json={"email": EMAIL, "password": "wrong wrong!"},
                           headers={"Connection": "close"})
        statuses.append(wrong.status_code)
    assert statuses == [401] * 5 + [429]
