"""The background round's housekeeping step purges the auth tables on the real container."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_app.background.round import round_steps
from social_scale_core.auth.housekeeping import KEEP_FOR
from social_scale_core.clock import FrozenClock
from social_scale_wiring.container import Container
from sqlalchemy import text

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(container: Container) -> FrozenClock:
    frozen = FrozenClock(T0)  # before the app is made, so that it runs on this clock
    container.clock.override(providers.Object(frozen))
    return frozen


def _rows(container: Container, table: str) -> int:
    with container.engine().connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_the_round_purges_expired_sessions_hourly_and_keeps_live_ones(
        container: Container, client: testing.TestClient, clock: FrozenClock) -> None:
    assert client.simulate_post("/api/v1/auth/register", json={
        "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "name": "Admin"}).status_code == 201
    tokens = login(client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert client.simulate_post("/api/v1/auth/login", json={
        "email": ADMIN_EMAIL, "password": "not the passphrase"}).status_code == 401
    housekeeping = next(s for s in round_steps(container) if s.name == "housekeeping")

    assert housekeeping.run() == 0  # everything is still live
    me = client.simulate_get("/api/v1/auth/me",
                             headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert me.status_code == 200
    assert _rows(container, "refresh_tokens") == 1 and _rows(container, "rate_limit_buckets") > 0

    clock.advance(minutes=59)
    assert housekeeping.run() is None  # not due: the last purge was less than an hour ago
    clock.advance(seconds=(container.auth().policy.refresh_ttl + KEEP_FOR
                           - timedelta(hours=1)).total_seconds())  # T0 + ttl + a day - 1 min
    buckets = _rows(container, "rate_limit_buckets")
    assert housekeeping.run() == buckets  # the old windows go; the token expired < a day ago
    assert _rows(container, "refresh_tokens") == 1 and _rows(container, "rate_limit_buckets") == 0
    clock.advance(hours=1, minutes=1)
    assert housekeeping.run() == 1
    assert _rows(container, "refresh_tokens") == 0
    refreshed = client.simulate_post("/api/v1/auth/refresh-token",
                                     json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 401
