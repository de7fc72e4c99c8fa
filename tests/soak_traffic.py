"""The soak's clients: threads doing weighted random actions; every answer is classified as
expected, an injected provider fault, or unexpected (which fails the soak)."""

from __future__ import annotations

import functools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

PROVIDER_FAULTS = {502, 503, 504}
# Answers each action may give besides the provider faults above (API.md).
EXPECTED: dict[str, set[int]] = {
    "place": {201, 422},  # 422: the panel refused (an injected `error`)
    "status": {200}, "statuses": {200},
    "refill": {200, 409}, "cancel": {200, 409},  # 409: not possible now / refused
    "orders": {200}, "order_stats": {200}, "order": {200},
    "analytics": {200}, "analytics_csv": {200}, "analytics_stats": {200},
    "pdf": {200}, "login": {200}, "refresh": {200}, "me": {200},
    "services": {200}, "balance": {200}, "company": {201}, "logs": {200},
}
WEIGHTS = {"place": 10, "status": 8, "statuses": 4, "refill": 2, "cancel": 2, "orders": 4,
           "order_stats": 2, "order": 3, "analytics": 2, "analytics_csv": 1,
           "analytics_stats": 2, "pdf": 2, "login": 1, "refresh": 1, "me": 2,
           "services": 2, "balance": 2, "company": 1, "logs": 1}
TOKEN_LIFE = 90.0  # seconds; the server's access tokens last 2 minutes


class Client:
    """One simulated operator: a session of its own, refreshed before it expires."""

    def __init__(self, base: str, credentials: dict[str, str], rng: random.Random) -> None:
        self.http = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
        self.credentials, self.rng = credentials, rng
        self.refresh_token = ""
        self.token_at = 0.0
        self.login()

    def login(self) -> httpx.Response:
        result = self.http.post("/auth/login", json=self.credentials)
        if result.status_code == 200:
            self._take(result.json())
        return result

    def refresh(self) -> httpx.Response:
        result = self.http.post("/auth/refresh-token", json={"refreshToken": self.refresh_token})
        if result.status_code == 200:
            self._take(result.json())
        return result

    def _take(self, tokens: dict[str, Any]) -> None:
        self.http.headers["Authorization"] = f"Bearer {tokens['accessToken']}"
        self.refresh_token = tokens["refreshToken"]
        self.token_at = time.monotonic()


class Traffic:
    """Shared state of the clients: what was placed, and the tally of every answer."""

    def __init__(self, base: str, credentials: dict[str, str], companies: list[str]) -> None:
        self.base, self.credentials, self.companies = base, credentials, companies
        self.lock = threading.Lock()
        self.placed: list[dict[str, Any]] = []
        self.invoices: list[str] = []
        self.tally: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.services: list[int] = []
        self.sent = 0

    def run(self, threads: int, deadline: float) -> None:
        probe = Client(self.base, self.credentials, random.Random(0))
        listing = probe.http.get("/api-integrations/services").json()
        self.services = [s["service"] for n in listing["networks"] for s in n["services"]
                         if s["refill"] and s["cancel"] and s["type"] == "Default"
                         and s["network"] == "Instagram"
                         and s["min"] <= 100 <= s["max"]][:20]
        workers = [threading.Thread(target=self._loop, args=(i, deadline), daemon=True)
                   for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def _loop(self, index: int, deadline: float) -> None:
        rng = random.Random(index)
        client = Client(self.base, self.credentials, rng)
        names, weights = list(WEIGHTS), list(WEIGHTS.values())
        n = 0
        while time.monotonic() < deadline:
            if time.monotonic() - client.token_at > TOKEN_LIFE:
                self._record("refresh", self._safe(client.refresh))
            name = rng.choices(names, weights)[0]
            n += 1
            self._record(name, self._safe(functools.partial(self._act, client, name, index, n)))

    def _safe(self, call: Callable[[], httpx.Response | None]) -> httpx.Response | str | None:
        try:
            return call()
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"

    def _record(self, name: str, result: httpx.Response | str | None) -> None:
        if result is None:
            return  # nothing to act on yet (no order placed so far)
        with self.lock:
            self.sent += 1
            if isinstance(result, str):
                self.tally[f"{name}:transport_error"] += 1
                self.unexpected.append(f"{name}: {result}")
                return
            code = result.status_code
            kind = ("ok" if code in EXPECTED[name] else
                    "provider_fault" if code in PROVIDER_FAULTS else "unexpected")
            self.tally[f"{name}:{code}"] += 1
            if kind == "unexpected":
                self.unexpected.append(f"{name} -> {code}: {result.text[:200]}")

    def _pick(self) -> dict[str, Any] | None:
        with self.lock:
            return random.choice(self.placed) if self.placed else None

    def _act(self, client: Client, name: str, index: int, n: int) -> httpx.Response | None:
        http, rng = client.http, client.rng
        if name == "place":
            return self._place(client, index, n)
        if name in ("status", "refill", "cancel", "order"):
            order = self._pick()
            if order is None:
                return None
            if name == "order":
                return http.get(f"/orders/{order['id']}")
            verb = http.get if name == "status" else http.post
            return verb(f"/api-integrations/orders/{order['apiOrderId']}/{name}")
        if name == "statuses":
            with self.lock:
                ids = [o["apiOrderId"] for o in rng.sample(self.placed, min(30, len(
                    self.placed)))]
            if not ids:
                return None
            return http.get("/api-integrations/orders/status",
                            params={"orderIds": ",".join(map(str, ids))})
        return self._read(client, name)

    def _place(self, client: Client, index: int, n: int) -> httpx.Response:
        rng = client.rng
        body = {"companyId": rng.choice(self.companies), "service": rng.choice(self.services),
                "link": f"https://instagram.com/soak_{index}_{n}",
                "quantity": rng.choice([100, 150, 200, 500])}
        result = client.http.post("/api-integrations/orders", json=body,
                                  headers={"Idempotency-Key": f"soak-{index}-{n}"})
        if result.status_code == 201:
            placed = result.json()
            with self.lock:
                self.placed.append(placed["order"])
                if placed["invoice"]:
                    self.invoices.append(placed["invoice"]["id"])
        return result

    def _read(self, client: Client, name: str) -> httpx.Response | None:
        http = client.http
        simple = {"orders": "/orders?limit=50", "order_stats": "/orders/stats",
                  "analytics": "/analytics", "analytics_csv": "/analytics?format=csv",
                  "analytics_stats": "/analytics/stats", "me": "/auth/me",
                  "services": "/api-integrations/services?network=Instagram",
                  "balance": "/api-integrations/balance", "logs": "/api-integrations/logs"}
        if name in simple:
            return http.get(simple[name])
        if name == "login":
            return client.login()
        if name == "refresh":
            return client.refresh()
        if name == "company":
            return http.post("/companies", json={"name": f"Walk-in {client.rng.random()}"})
        with self.lock:
            invoice = random.choice(self.invoices) if self.invoices else None
        if invoice is None:
            return None
        result = http.get(f"/invoices/{invoice}/download")
        if result.status_code == 200 and not result.content.startswith(b"%PDF"):
            return httpx.Response(599, text="the download is not a PDF")
        return result

    def summary(self) -> dict[str, Any]:
        faults = sum(v for k, v in self.tally.items()
                     if k.rsplit(":", 1)[1] in {str(c) for c in PROVIDER_FAULTS})
        return {"requests": self.sent, "orders_placed_201": len(self.placed),
                "provider_fault_answers": faults, "unexpected": self.unexpected[:50],
                "unexpected_count": len(self.unexpected), "by_action": dict(
                    sorted(self.tally.items()))}
