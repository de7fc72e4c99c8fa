"""The console's target (issue 14): every page's server time p50 <= 50 ms on the 1M-order
data, signed in through the console's own form like a browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.measure import percentile, timed
from benchmarks.scenarios import Env, Result

TARGET_MS = 50.0


class PlainHttpClient(httpx.Client):
    """The app runs as in production (Secure cookies) on plain http, as behind a TLS proxy:
    this client sends those cookies back over http, as the proxy would pass them on."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies.jar:
            cookie.secure = False
        return response


def signed_in(env: Env, admin: dict[str, str]) -> httpx.Client:
    client = PlainHttpClient(base_url=env.base, timeout=60)
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, "no CSRF token on /login"
    done = client.post("/login", data={"csrf": csrf.group(1), **admin, "next": "/"})
    if done.status_code != 303:
        raise RuntimeError(f"console sign-in failed: {done.status_code}")
    return client


def paths(env: Env) -> list[str]:
    company = env.companies[0]
    return ["/", "/orders", "/orders?status=completed", "/orders/new", "/companies",
            f"/companies/{company}", "/invoices", "/invoices?status=overdue", "/services",
            "/analytics", "/logs", f"/invoices/{env.invoices[0]}"]


def run(env: Env, admin: dict[str, str], samples: int) -> list[Result]:
    client = signed_in(env, admin)
    results = []
    for path in paths(env):
        client.get(path)  # warm caches and pools
        p50 = percentile([timed(lambda p=path: client.get(p)) for _ in range(samples)], 50)
        results.append(Result(f"console page GET {path}", f"p50 <= {TARGET_MS:.0f} ms",
                              f"{p50:.1f} ms", p50 <= TARGET_MS))
    return results


# The console's pages the memory soak cycles through (the cheap and the common ones).
def soak_paths(env: Env) -> list[str]:
    return ["/orders", "/orders?status=completed", "/orders/new", f"/companies/{env.companies[0]}",
            f"/invoices/{env.invoices[0]}", "/logs", "/services", "/companies"]


def cookie_source(env: Env, admin: dict[str, str]) -> Callable[[], str]:
    """A signed-in session's Cookie header for wrk, fresh at each call: the console signs
    out CONSOLE_IDLE_TIMEOUT (30 min) after the cookie was issued, and wrk keeps
    sending the one it was given."""
    client = signed_in(env, admin)

    def fresh() -> str:
        client.get("/orders").raise_for_status()  # the answer renews the session cookie
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())

    return fresh
