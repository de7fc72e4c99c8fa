"""Nobody can claim a fresh instance (issue 12, items 2, 5, 6, 10): the bind address, the
bootstrap token, `create-admin`, the production refusals, /metrics, HSTS and mail over TLS,
against `social-scale serve` over real sockets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import E2E_BOOTSTRAP, E2E_SECRET, _stop, _wait_ready, free_port
from tests.e2e.panel import Panel, running_panel
from tests.smtp_server import MailCatcher
from tests.tls_cert import self_signed

pytestmark = [pytest.mark.e2e,
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]
KEY = "FPK-h12-doors-7c1d2e3f4a5b"
METRICS = "metrics-token-h12-" + "x" * 16
PRODUCTION = {"APP_ENV": "production", "PASSWORD_HASH_PROFILE": "strong",
              "FAMPAGE_API_KEY": KEY, "FAMPAGE_TIMEOUT": "2s", "METRICS_TOKEN": METRICS}
ADMIN = {"email": "owner@agency.in", "password": "first fine passphrase", "name": "Owner"}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items()
              if not k.startswith(("SMTP_", "FAMPAGE_", "HOST", "ADMIN_"))}
    values.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'doors.db'}", "APP_ENV": "test",
                   "JWT_SECRET": E2E_SECRET, "WEB_CONCURRENCY": "1",
                   "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "WARNING"})
    values.update(extra)
    return values


@pytest.fixture
def panel() -> Iterator[Panel]:
    with running_panel(KEY) as running:
        yield running


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[str, Path]]]:
    """`serve(**env)`: `social-scale serve` WITHOUT --host; returns (base URL via
    127.0.0.1, its log)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> tuple[str, Path]:
        port = free_port()
        log = tmp_path / f"serve{len(started)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "social_scale_app.cli", "serve"],
                                    env=_env(tmp_path, PORT=str(port), **env), cwd=tmp_path,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base, proc, log, 60)
        return base, log

    yield start
    for proc in started:
        _stop(proc)


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp) with a socket listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_serve_listens_on_loopback_unless_host_says_otherwise(
        serve: Callable[..., tuple[str, Path]]) -> None:
    base, log = serve(LOG_LEVEL="INFO")  # the `serving` line is INFO
    port = int(base.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
    assert f'"url": "http://127.0.0.1:{port}"' in log.read_text()  # the `serving` line
    register = httpx.post(f"{base}/api/v1/auth/register", json=ADMIN)
    assert register.status_code == 201  # development on loopback: as it always was

    exposed, log = serve(HOST="0.0.0.0", LOG_LEVEL="INFO",
                         DATABASE_URL=f"sqlite:///{log.parent}/open.db")
    port = int(exposed.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"00000000"}
    assert f'"url": "http://0.0.0.0:{port}"' in log.read_text()
    assert "create-admin" in log.read_text()  # it says how to make the first admin
    refused = httpx.post(f"{exposed}/api/v1/auth/register", json=ADMIN)
    assert refused.status_code == 403 and refused.json()["code"] == "bootstrap_required"


def test_production_register_needs_the_bootstrap_token(
        live_server: Callable[..., str], panel: Panel, tmp_path: Path) -> None:
    base = live_server(FAMPAGE_BASE_URL=panel.url, ADMIN_BOOTSTRAP_TOKEN=E2E_BOOTSTRAP,
                       **PRODUCTION)
    url = f"{base}/api/v1/auth/register"
    for headers in ({}, {"X-Bootstrap-Token": "wrong-" + E2E_BOOTSTRAP[6:]},
                    {"X-Bootstrap-Token": E2E_BOOTSTRAP[:-1]}):
        refused = httpx.post(url, json=ADMIN, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "bootstrap_required"
        assert refused.headers["content-type"] == "application/problem+json"
    ok = httpx.post(url, json=ADMIN, headers={"X-Bootstrap-Token": E2E_BOOTSTRAP})
    assert ok.status_code == 201, ok.text
    assert httpx.post(url, json=ADMIN, headers={"X-Bootstrap-Token": E2E_BOOTSTRAP}
                      ).status_code == 409


def test_production_without_a_token_says_how_to_create_the_admin(
        live_server: Callable[..., str], panel: Panel, tmp_path: Path) -> None:
    base = live_server(FAMPAGE_BASE_URL=panel.url, **PRODUCTION)
    refused = httpx.post(f"{base}/api/v1/auth/register", json=ADMIN,
                         headers={"X-Bootstrap-Token": E2E_BOOTSTRAP})
    assert refused.status_code == 403 and refused.json()["code"] == "bootstrap_required"
    log = "".join(p.read_text() for p in tmp_path.glob("server*.log"))
    assert "social-scale create-admin --email" in log and "ADMIN_BOOTSTRAP_TOKEN" in log


def test_production_guards_metrics_and_sends_hsts(live_server: Callable[..., str],
                                                  panel: Panel) -> None:
    base = live_server(FAMPAGE_BASE_URL=panel.url, **PRODUCTION)
    assert httpx.get(f"{base}/metrics").status_code == 401
    assert httpx.get(f"{base}/metrics", headers={
        "Authorization": "Bearer not-the-token"}).status_code == 401
    scraped = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS}"})
    assert scraped.status_code == 200 and "http_requests" in scraped.text
    for path in ("/health/live", "/api/v1/auth/me", "/nowhere"):
        headers = httpx.get(f"{base}{path}").headers
        assert headers["strict-transport-security"].startswith("max-age="), path


@pytest.mark.parametrize(("env", "message"), [
    ({"METRICS_TOKEN": ""}, "METRICS_TOKEN must be set"),
    ({"JWT_ACCESS_TOKEN_EXPIRY": "2h"}, "JWT_ACCESS_TOKEN_EXPIRY must be at most 1h"),
    ({"JWT_SECRET": "s" * 48}, "JWT_SECRET is too easy to guess"),
    ({"JWT_SECRET": "password" * 6}, "JWT_SECRET is too easy to guess"),
    ({"FAMPAGE_API_KEY": "short-key"}, "FAMPAGE_API_KEY must be at least 16"),
    ({"SMTP_HOST": "127.0.0.1", "SMTP_TLS": "none"}, "SMTP_TLS=none is refused"),
    ({"ADMIN_BOOTSTRAP_TOKEN": "too-short"}, "ADMIN_BOOTSTRAP_TOKEN must be at least 32"),
])
def test_production_refuses_to_start_unsafe(tmp_path: Path, env: dict[str, str],
                                            message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "social_scale_app.cli", "serve"],
                          env=_env(tmp_path, PORT=str(free_port()), **{**PRODUCTION, **env}),
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr


def _create_admin(env: dict[str, str], password: str,
                  cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "social_scale_app.cli", "create-admin",
         "--email", ADMIN["email"], "--name", ADMIN["name"]],
        input=password + "\n", env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_create_admin_from_the_shell(live_server: Callable[..., str], db_env: dict[str, str],
                                     tmp_path: Path) -> None:
    env = _env(tmp_path, **db_env)
    weak = _create_admin(env, "password12", tmp_path)
    assert weak.returncode == 1 and "too easy to guess" in weak.stderr, weak.stderr
    made = _create_admin(env, ADMIN["password"], tmp_path)
    assert made.returncode == 0, made.stderr
    assert ADMIN["password"] not in made.stdout + made.stderr
    again = _create_admin(env, "another fine passphrase", tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    base = live_server(DATABASE_URL=env["DATABASE_URL"])
    login = httpx.post(f"{base}/api/v1/auth/login",
                       json={"email": ADMIN["email"], "password": ADMIN["password"]})
    assert login.status_code == 200, login.text


def test_production_mail_goes_over_starttls_only(live_server: Callable[..., str],
                                                 panel: Panel, tmp_path: Path) -> None:
    cert = self_signed(tmp_path / "tls")
    smtp_pass = "smtp-pass-h12-never-in-clear"
    env = {**PRODUCTION, "FAMPAGE_BASE_URL": panel.url, "ADMIN_BOOTSTRAP_TOKEN": E2E_BOOTSTRAP,
           "SMTP_HOST": "127.0.0.1", "SMTP_USER": "mailer", "SMTP_PASS": smtp_pass,
           "SSL_CERT_FILE": str(cert.cert)}
    with MailCatcher(user="mailer", password=smtp_pass, tls="starttls", cert=cert) as tls, \
            MailCatcher(user="mailer", password=smtp_pass) as plain:
        good = live_server(SMTP_PORT=str(tls.port), **env)
        bad = live_server(SMTP_PORT=str(plain.port), **env)
        for base in (good, bad):
            assert httpx.post(f"{base}/api/v1/auth/register", json=ADMIN, headers={
                "X-Bootstrap-Token": E2E_BOOTSTRAP}).status_code == 201
            assert httpx.post(f"{base}/api/v1/auth/forgot-password",
                              json={"email": ADMIN["email"]}).status_code == 202
        tls.wait_for(1)
        assert tls.encrypted == [True] and tls.logins == ["mailer"]
        time.sleep(1.5)  # the plain server would have had the mail by now
        assert plain.messages == [] and plain.logins == []
    log = (tmp_path / "server1.log").read_text()
    assert "mail_failed" in log and "STARTTLS" in log
    assert "reset token" not in log.lower() and smtp_pass not in log
