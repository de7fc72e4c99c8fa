"""Hygiene against gunicorn over real sockets: rate limits shared by the workers, production
answers that never show internals, secrets that never reach logs, log rows or responses."""

from __future__ import annotations

import re
import socket
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import E2E_BOOTSTRAP
from tests.e2e.panel import Panel, admin_client, new_company, order_body, running_panel
from tests.smtp_server import MailCatcher
from tests.tls_cert import self_signed

pytestmark = pytest.mark.e2e
KEY = "FPK-h7-secret-7c1d2e3f4a5b6c7d8e9f"
PRODUCTION = {"APP_ENV": "production", "PASSWORD_HASH_PROFILE": "strong",
              "FAMPAGE_API_KEY": KEY, "FAMPAGE_TIMEOUT": "2s", "METRICS_TOKEN": "m" * 32,
              "ADMIN_BOOTSTRAP_TOKEN": E2E_BOOTSTRAP}
LEAKS = re.compile(r"traceback|sqlalchemy|sqlite|psycopg|select |insert into|"
                   r"\.py\"?, line|File \"", re.I)


@pytest.fixture
def panel() -> Iterator[Panel]:
    with running_panel(KEY) as running:
        yield running


def _concurrently(n: int, call: Callable[[int], httpx.Response]) -> list[int]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return sorted(r.status_code for r in pool.map(call, range(n)))


def _post(url: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(url, json=body, headers={"Connection": "close"}, timeout=30)


def test_rate_limits_are_shared_by_the_workers(live_server: Callable[..., str]) -> None:
    """Two workers, requests in parallel: each limit holds exactly, across processes."""
    base = f"{live_server(WEB_CONCURRENCY='2', COMPANY_CREATE_LIMIT_PER_HOUR='6')}/api/v1"
    companies = _concurrently(10, lambda i: _post(f"{base}/companies", {"name": f"Co {i}"}))
    assert companies == [201] * 6 + [429] * 4
    forgot = _concurrently(14, lambda i: _post(f"{base}/auth/forgot-password",
                                               {"email": f"u{i}@x.test"}))
    assert forgot == [202] * 10 + [429] * 4
    register = _concurrently(14, lambda i: _post(f"{base}/auth/register", {
        "email": f"u{i}@x.test", "password": "a long password", "name": "U"}))
    assert register == [201] + [409] * 9 + [429] * 4
    login = _concurrently(8, lambda i: _post(f"{base}/auth/login", {
        "email": "u0@x.test", "password": "not the password"}))
    assert login == [401] * 5 + [429] * 3
    limited = _post(f"{base}/companies", {"name": "late"})
    assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= 3600
    assert limited.headers["content-type"] == "application/problem+json"


def _sweep(base: str, token: str) -> list[httpx.Response]:
    """Every documented operation, called with junk, with and without the token."""
    doc = httpx.get(f"{base}/openapi.json").json()
    responses = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for path, ops in doc["paths"].items():
            url = re.sub(r"{[^}]+}", "'%20OR%201=1--", path)
            for method in ops:
                for headers in ({}, {"Authorization": f"Bearer {token}"}):
                    responses.append(http.request(method.upper(), url, headers=headers,
                                                  content=b'{"x": [1, {"y": null}'))
                    responses.append(http.request(method.upper(), url, headers=headers,
                                                  params={"limit": "-5", "from": "x"},
                                                  json={"quantity": "lots"}))
    return responses


def test_production_answers_never_show_internals(live_server: Callable[..., str],
                                                 panel: Panel, tmp_path: Path) -> None:
    db = tmp_path / "prod.db"
    base = live_server(DATABASE_URL=f"sqlite:///{db}", FAMPAGE_BASE_URL=panel.url,
                       **PRODUCTION)
    api = admin_client(base)
    token = api.headers["Authorization"].split()[1]
    responses = _sweep(base, token)
    with sqlite3.connect(db) as conn:  # an internal failure: a table vanishes under us
        conn.execute("DROP TABLE companies")
    crashed = api.get("/companies")
    assert crashed.status_code == 500
    assert crashed.json()["code"] == "internal_error"
    for result in [*responses, crashed]:
        assert result.status_code != 500 or result is crashed, (result.request.url, result.text)
        assert not LEAKS.search(result.text), (result.request.url, result.text[:300])
    log = "".join(p.read_text(errors="replace") for p in tmp_path.glob("server*.log"))
    assert "no such table: companies" in log  # the operator sees what the client does not


def test_a_body_of_unknown_length_is_refused_over_the_socket(
        live_server: Callable[..., str]) -> None:
    host, port = live_server(MAX_BODY_BYTES="2048").removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nTransfer-Encoding: chunked\r\n"
                     b"Connection: close\r\n\r\n")
        piece = b"x" * 65536
        for _ in range(40):  # 2.5 MB that must never be buffered
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            except OSError:
                break  # the server answered and closed: fine
        received = b""
        while chunk := sock.recv(4096):
            received += chunk
        answer = received.decode(errors="replace")
    assert answer.startswith("HTTP/1.1 411"), answer[:200]
    assert "length_required" in answer


SECRETS = {
    "fampage key": KEY,
    "admin password": "Adm1n-h7-passphrase-one",
    "wrong password": "Wr0ng-h7-passphrase-guess",
    "reset password": "Res3t-h7-passphrase-two",
    "changed password": "Ch4nged-h7-passphrase-three",
    "smtp password": "Smtp-h7-pass-99f1",
}


def _dump_database(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(repr(row) for t in tables
                         for row in conn.execute(f'SELECT * FROM "{t}"'))


def _secret_scenario(base: str, panel: Panel, smtp: MailCatcher) -> list[httpx.Response]:
    s = SECRETS
    seen: list[httpx.Response] = []
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30, event_hooks={
            "response": [lambda r: (r.read(), seen.append(r))]}) as api:
        email = "owner@agency.test"
        api.post("/auth/register", json={"email": email, "password": s["admin password"],
                                         "name": "Owner"},
                 headers={"X-Bootstrap-Token": E2E_BOOTSTRAP})
        api.post("/auth/login", json={"email": email, "password": s["wrong password"]})
        api.post("/auth/login", json={"email": email, "password": s["admin password"],
                                      "extra": s["admin password"]})
        token = api.post("/auth/login", json={"email": email,
                                              "password": s["admin password"]}).json()
        api.headers["Authorization"] = f"Bearer {token['accessToken']}"
        api.get("/api-integrations/services")
        api.get("/api-integrations/balance")
        company = new_company(api)
        placed = api.post("/api-integrations/orders", json=order_body(company)).json()
        api_id = placed["order"]["apiOrderId"]
        for fault in (f"add=error:Invalid API key {KEY}*1", "add=timeout:4*1",
                      "add=malformed*1", "add=502*1", "add=drop*1"):
            panel.fault(fault)
            api.post("/api-integrations/orders", json=order_body(company))
        panel.fault(f"status=error:key {KEY} is not valid*3", "balance=500*3")
        api.get(f"/api-integrations/orders/{api_id}/status")
        api.get("/api-integrations/balance")
        panel.clear()
        api.get(f"/api-integrations/orders/status?orderIds={api_id},999")
        api.post(f"/api-integrations/orders/{api_id}/refill")
        api.post(f"/api-integrations/orders/{api_id}/cancel")
        api.get("/api-integrations/logs?limit=200")
        api.post("/auth/forgot-password", json={"email": email})
        reset = re.search(r"^    (\S+)\s*$", smtp.wait_for(1)[0].get_payload(), re.M)
        assert reset is not None
        api.post("/auth/reset-password", json={"token": reset.group(1),
                                               "newPassword": s["reset password"]})
        fresh = api.post("/auth/login", json={"email": email, "password": s["reset password"]})
        api.headers["Authorization"] = f"Bearer {fresh.json()['accessToken']}"
        api.post("/auth/change-password", json={"currentPassword": s["reset password"],
                                                "newPassword": s["changed password"]})
    return seen


@pytest.mark.filterwarnings("ignore:Requiring AUTH:UserWarning")
def test_secrets_never_reach_logs_rows_or_responses(live_server: Callable[..., str],
                                                    panel: Panel, tmp_path: Path) -> None:
    db = tmp_path / "secrets.db"
    cert = self_signed(tmp_path / "tls")  # production mails only over TLS
    with MailCatcher(user="mailer", password=SECRETS["smtp password"], tls="starttls",
                     cert=cert) as smtp:
        base = live_server(
            DATABASE_URL=f"sqlite:///{db}", FAMPAGE_BASE_URL=panel.url, LOG_LEVEL="DEBUG",
            SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port), SMTP_USER="mailer",
            SMTP_PASS=SECRETS["smtp password"], SSL_CERT_FILE=str(cert.cert), **PRODUCTION)
        seen = _secret_scenario(base, panel, smtp)
    statuses = {r.status_code for r in seen}
    assert {200, 201, 204, 401, 422, 502, 504} <= statuses, statuses  # the scenario ran
    assert 500 not in statuses
    log = "".join(p.read_text(errors="replace") for p in tmp_path.glob("server*.log"))
    assert log.count('"event": "request"') >= len(seen)  # every request was logged
    places = {"server log": log, "database": _dump_database(db)}
    for i, r in enumerate(seen):
        places[f"response {i} {r.request.method} {r.request.url.path}"] = (
            f"{r.headers}\n{r.text}")
    assert "[REDACTED]" in places["database"] or "[redacted]" in places["database"]
    for what, secret in SECRETS.items():
        for where, text in places.items():
            assert secret not in text, f"the {what} leaked into the {where}"


def test_no_anonymous_price_and_no_wrong_network_over_the_socket(
        live_server: Callable[..., str], panel: Panel) -> None:
    """Issue 11 against gunicorn and the simulator over real sockets: a price sent to the
    public company route, or a link of another network, is 422 and the panel is never
    asked to place anything."""
    base = live_server(FAMPAGE_BASE_URL=panel.url, FAMPAGE_API_KEY=KEY)
    for extra in ({"defaultInvoiceMultiplier": "0.0001"},
                  {"default_invoice_multiplier": "0.0001"}):
        refused = _post(f"{base}/api/v1/companies", {"name": "X", **extra})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"] == [{"field": next(iter(extra)),
                                             "message": "unknown field"}]
    api = admin_client(base)
    assert api.get("/companies").json()["total"] == 0
    company = new_company(api)
    for link in ("youtube.com/watch?v=abc", "https://youtu.be/abc", "vm.tiktok.com/x",
                 "http://127.0.0.1/x", "http://localhost/x"):
        wrong = api.post("/api-integrations/orders", json=order_body(company, link=link))
        assert wrong.status_code == 422, wrong.text
        assert wrong.json()["errors"][0]["field"] == "link"
    assert panel.calls().get("add", 0) == 0
    assert api.get("/orders").json()["total"] == 0
