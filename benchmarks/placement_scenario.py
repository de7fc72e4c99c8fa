"""Issue 17's placement target: p99 of a placement through the API over p99 of the
simulator's own `add`, both measured in the same run by the same 20 client threads."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import psycopg

from benchmarks.measure import percentile, timed
from benchmarks.scenarios import Env, Result, _service

TARGET = 1.06
HALVES = 2  # the simulator's and the placement's samples alternate, so drift hits both


def placement(env: Env, company: str, clients: int = 20, per_client: int = 20,
              panel_ms: int = 250) -> Result:
    """`clients` threads placing `per_client` orders each through the API, and (in
    alternating halves) the same threads calling the simulator's `add` directly as often;
    the simulator answers `add` after `panel_ms` (the real panel takes hundreds of ms)."""
    with _panel_latency(env, panel_ms):
        return _measure(env, company, clients, per_client, panel_ms)


@contextmanager
def _panel_latency(env: Env, ms: int) -> Iterator[None]:
    control = env.sim_url.replace("/api/v2", "/_control/faults")
    headers = {"X-Api-Key": env.sim_key}
    if ms:
        httpx.post(control, json={"fault": f"add=latency:{ms}"}, headers=headers,
                   timeout=10).raise_for_status()
    try:
        yield
    finally:
        if ms:
            httpx.delete(control, params={"action": "add"}, headers=headers, timeout=10)


def _measure(env: Env, company: str, clients: int, per_client: int, latency: int) -> Result:
    service = _service(env)
    started = time.time()
    api = [httpx.Client(base_url=env.base, headers=env.headers, timeout=60)
           for _ in range(clients + 1)]
    sim = [httpx.Client(timeout=60) for _ in range(clients)]

    def place(n: int, k: int) -> tuple[str, float]:
        link = f"https://instagram.com/bench{started:.0f}x{n}"
        body = {"companyId": company, "service": service, "link": link, "quantity": 100}
        return link, timed(lambda: api[k].post("/api/v1/api-integrations/orders", json=body))

    def add(n: int, k: int) -> tuple[str, float]:
        link = f"https://instagram.com/direct{started:.0f}x{n}"
        data = {"key": env.sim_key, "action": "add", "service": str(service), "link": link,
                "quantity": "100"}
        return link, timed(lambda: sim[k].post(env.sim_url, data=data))

    for n in range(3):
        place(-1 - n, clients)  # warm: catalog cache
    barrier = threading.Barrier(clients)
    half = max(1, per_client // HALVES)

    def round_(call: Callable[[int, int], tuple[str, float]], first: int,
               count: int) -> list[tuple[str, float]]:
        def worker(k: int) -> list[tuple[str, float]]:
            barrier.wait()
            return [call(first + k * count + j, k) for j in range(count)]
        with ThreadPoolExecutor(clients) as pool:
            return [item for batch in pool.map(worker, range(clients)) for item in batch]

    # Not measured: every client's connection, and the server's database and panel
    # connections, opened by a first concurrent round of each (the steady state is measured).
    round_(place, -10_000, 2)
    round_(add, -10_000, 2)
    placed: list[tuple[str, float]] = []
    direct: list[float] = []
    for h in range(HALVES):
        direct += [t for _, t in round_(add, h * clients * half, half)]
        placed += round_(place, h * clients * half, half)
    return _result(env, clients, latency, placed, direct)


def _result(env: Env, clients: int, latency: int, placed: list[tuple[str, float]],
            direct: list[float]) -> Result:
    totals = [t for _, t in placed]
    ratio = percentile(totals, 99) / percentile(direct, 99)
    logged = _add_durations(env, [link for link, _ in placed])
    added = [total - logged[link] for link, total in placed]
    return Result(
        f"order placement at {clients} clients: p99 over the simulator's own add p99",
        f"<= {TARGET} x", f"{ratio:.3f} x", ratio <= TARGET,
        [f"simulator `add` given {latency} ms of latency (--fault add=latency:{latency}), "
         "as the real panel answers in hundreds of ms; the same client threads call the "
         "simulator's add directly and place through the API, in alternating halves, after "
         "an unmeasured concurrent round of each (connections opened)",
         f"{len(placed)} placements: p50 {percentile(totals, 50):.1f} ms, p99 "
         f"{percentile(totals, 99):.1f} ms; {len(direct)} direct adds: p50 "
         f"{percentile(direct, 50):.1f} ms, p99 {percentile(direct, 99):.1f} ms; p50 ratio "
         f"{percentile(totals, 50) / percentile(direct, 50):.3f} x",
         f"inside the app (total minus the add its integration log timed): added p50 "
         f"{percentile(added, 50):.1f} ms, p99 {percentile(added, 99):.1f} ms"])


def _add_durations(env: Env, links: list[str]) -> dict[str, float]:
    """The simulator's time per `add`, as the app's integration log measured it (by link)."""
    wanted = set(links)
    with psycopg.connect(env.dsn) as conn:
        rows = conn.execute("SELECT request, duration_ms FROM integration_logs "
                            "WHERE action = 'add'").fetchall()
    found = {}
    for request, ms in rows:
        data = request if isinstance(request, dict) else json.loads(request)
        if data.get("link") in wanted:
            found[data["link"]] = float(ms)
    return found
