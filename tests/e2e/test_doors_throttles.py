"""Throttles that hold and no enumeration by timing (issue 12, items 3 and 4), against
gunicorn over real sockets on SQLite and PostgreSQL. Other client addresses come from the
loopback network: the client binds 127.0.0.2, 127.0.0.3, ... as its source address."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import E2E_BOOTSTRAP
from tests.e2e.panel import private_postgres

pytestmark = pytest.mark.e2e
ADMIN = {"email": "owner@agency.in", "password": "first fine passphrase"}


def from_ip(ip: str) -> httpx.Client:
    """A client whose connections come from `ip` (any 127.x.y.z works on Linux)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=ip), timeout=30,
                        headers={"Connection": "close"})


def _register(base: str) -> None:
    created = httpx.post(f"{base}/api/v1/auth/register", json={**ADMIN, "name": "Owner"},
                         headers={"X-Bootstrap-Token": E2E_BOOTSTRAP})
    assert created.status_code == 201, created.text


@pytest.fixture
def base(live_server: Callable[..., str], db_env: dict[str, str]) -> str:
    url = live_server(**db_env)
    _register(url)
    return url


def test_failures_per_ip_are_limited_whatever_the_emails(base: str) -> None:
    with from_ip("127.0.0.1") as client:
        statuses = [client.post(f"{base}/api/v1/auth/login", json={
            "email": f"nobody{n}@agency.in", "password": "a guess of someone"}).status_code
            for n in range(24)]
    assert statuses == [401] * 20 + [429] * 4
    with from_ip("127.0.0.9") as other:  # the admin elsewhere is not hindered
        assert other.post(f"{base}/api/v1/auth/login", json=ADMIN).status_code == 200


def test_the_account_slows_down_across_ips(base: str) -> None:
    for n in range(5):
        with from_ip(f"127.0.1.{n + 1}") as client:
            wrong = client.post(f"{base}/api/v1/auth/login",
                                json={**ADMIN, "password": "a wrong passphrase"})
            assert wrong.status_code == 401
    with from_ip("127.0.2.1") as client:
        right = client.post(f"{base}/api/v1/auth/login", json=ADMIN)
    assert right.status_code == 429, right.text
    assert 0 < int(right.headers["retry-after"]) <= 300  # a wait of minutes, no lock-out


def test_forgot_and_reset_are_limited_per_email_and_per_ip(base: str) -> None:
    forgot = []
    for n in range(6):
        with from_ip(f"127.0.3.{n + 1}") as client:
            forgot.append(client.post(f"{base}/api/v1/auth/forgot-password",
                                      json={"email": "Owner@Agency.in"}).status_code)
    assert forgot == [202] * 5 + [429]
    with from_ip("127.0.4.1") as client:
        reset = [client.post(f"{base}/api/v1/auth/reset-password", json={
            "token": f"guess-{n}", "newPassword": "another fine passphrase"}).status_code
            for n in range(11)]
    assert reset == [422] * 10 + [429]


def test_password_hashing_is_bounded_per_worker(live_server: Callable[..., str]) -> None:
    url = live_server(WEB_CONCURRENCY="1", PASSWORD_HASH_PROFILE="strong",
                      PASSWORD_HASH_CONCURRENCY="1", PASSWORD_HASH_WAIT_SECONDS="0.05",
                      LOGIN_FAILURE_LIMIT_PER_IP="1000")

    def attempt(n: int) -> httpx.Response:
        return httpx.post(f"{url}/api/v1/auth/login", timeout=60, json={
            "email": f"nobody{n}@agency.in", "password": "a guess of someone"})

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(attempt, range(12)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) == {401, 503}, statuses
    for busy in (a for a in answers if a.status_code == 503):
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["code"] == "overloaded"


def _timed_ms(client: httpx.Client, url: str, email: str) -> float:
    # Let the work a previous request left to the background end first: what is compared
    # is each request's own path (a later request's wait is not measured here).
    time.sleep(0.01)
    started = time.perf_counter()
    answer = client.post(url, json={"email": email})
    elapsed = (time.perf_counter() - started) * 1000
    assert answer.status_code == 202
    return elapsed


def tolerance_ms(differences: list[float]) -> float:
    """How far the median of paired differences may stray by noise alone: four standard
    errors of a median (from the robust spread, IQR / 1.349), at least half a millisecond.
    A loaded machine widens it instead of failing; a quiet one keeps it tight."""
    q1, _, q3 = statistics.quantiles(differences, n=4)
    spread = (q3 - q1) / 1.349
    return max(0.5, 4 * 1.2533 * spread / len(differences) ** 0.5)


def test_forgot_password_takes_as_long_for_a_known_email(live_server: Callable[..., str],
                                                         db_env: dict[str, str]) -> None:
    """200 pairs of requests (known and unknown email, in random order) on one keep-alive
    connection to one worker. The median of the differences within the pairs cancels the
    machine's drift; it must stay within the noise."""
    url = live_server(WEB_CONCURRENCY="1", FORGOT_PASSWORD_LIMIT_PER_IP="100000",
                      FORGOT_PASSWORD_LIMIT_PER_EMAIL="100000", **db_env)
    _register(url)
    endpoint = f"{url}/api/v1/auth/forgot-password"
    emails = [ADMIN["email"], "nobody@agency.in"]
    differences = []
    with httpx.Client(timeout=30) as client:
        for _ in range(20):  # warm up both paths
            for email in emails:
                _timed_ms(client, endpoint, email)
        for _ in range(200):
            random.shuffle(emails)
            times = {email: _timed_ms(client, endpoint, email) for email in emails}
            differences.append(times[ADMIN["email"]] - times["nobody@agency.in"])
    shift, allowed = statistics.median(differences), tolerance_ms(differences)
    assert abs(shift) < allowed, (shift, allowed, statistics.quantiles(differences, n=4))


@pytest.mark.postgres
def test_forgot_password_never_touches_the_account_while_the_caller_waits(
        live_server: Callable[..., str], tmp_path: Any) -> None:
    """The decisive form of the same: with the users and reset-token tables locked by
    someone else, both answers still come at once (the lookup, token and mail happen
    after the answer), and the known email's token is stored once the lock goes."""
    with private_postgres() as pg_url:
        if pg_url is None:
            pytest.skip("no PostgreSQL")
        url = live_server(WEB_CONCURRENCY="1", DATABASE_URL=pg_url)
        _register(url)
        engine = create_engine(pg_url)
        try:
            with engine.connect() as conn, conn.begin():
                conn.execute(text("LOCK TABLE users, password_reset_tokens "
                                  "IN ACCESS EXCLUSIVE MODE"))
                for email in (ADMIN["email"], "nobody@agency.in"):
                    started = time.monotonic()
                    answer = httpx.post(f"{url}/api/v1/auth/forgot-password",
                                        json={"email": email}, timeout=30)
                    assert answer.status_code == 202
                    assert time.monotonic() - started < 1.0, email
                time.sleep(0.3)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not _reset_rows(engine):
                time.sleep(0.1)
            assert _reset_rows(engine) == 1
        finally:
            engine.dispose()


def _reset_rows(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM password_reset_tokens")).scalar())
