"""Issue 6's sync target alone: N open orders brought current by `social-scale worker --once`
against PostgreSQL and the simulator (the full suite's `sync` scenario, without the rest).

    python -m benchmarks.sync_bench [--orders 10000] [--closed 2000] [--rounds 1]
        [--advance 3600] [--panel-ms 300] [--keep | --reuse] [--profile F] [--runner S]
        [--rate-limit 120] [--budget 100]

Seeds a scratch database (SYNC_BENCH_DATABASE_URL, default the local server's
`sync_scratch`, re-created) with 1.25 N + `--closed` closed orders (the full suite has
1,000,000), places N orders at a fresh simulator, opens N seeded orders under those
panel ids and times `worker --once`: panel status calls, the worker's own seconds and
CPU, orders left unchecked. SYNC_CONCURRENCY etc. are passed on to the worker.
`--advance` moves the simulator's clock first so that some orders end (partial: their
invoices settle); `--panel-ms` makes each status call that slow (the real panel takes
hundreds of ms); each further round re-opens the same orders. The database is dropped
unless --keep (or --reuse, which closes the orders a kept database left open and seeds
nothing). `--profile` writes cProfile stats; `--runner` runs that script instead of
`social_scale_app.cli` (e.g. to time or patch the worker). `--rate-limit`: the simulator
answers 429 beyond that many calls a minute once the orders are placed (0: no limit);
`--budget`: the worker's PANEL_CALLS_PER_MINUTE (0: off). Each round reports its 429s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.measure import Proc, cli, free_port
from benchmarks.seed import seed
from benchmarks.sync_scenario import _open_orders, _sim_calls, _sim_rate_limit, _sim_refused

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sync_scratch"
KEY = "sync-bench-key-0123456789"


class _Env:
    """The few fields of scenarios.Env that the sync helpers read."""

    def __init__(self, sim_url: str, dsn: str) -> None:
        self.sim_url, self.sim_key, self.dsn = sim_url, KEY, dsn


def _place(env: _Env, n: int) -> list[int]:
    """n orders of 100 at the simulator (a Default Instagram service), 4 at a time."""
    with httpx.Client(timeout=30) as client:
        services = client.post(env.sim_url, data={"key": KEY, "action": "services"}).json()
        service = next(s["service"] for s in services if s["type"] == "Default"
                       and "Instagram" in s["category"] and int(s["min"]) <= 100 <= int(s["max"]))

        def add(k: int) -> int:
            r = client.post(env.sim_url, data={"key": KEY, "action": "add", "service": service,
                                               "quantity": 100,
                                               "link": f"https://instagram.com/sync{k}"})
            return int(r.json()["order"])

        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(add, range(n)))


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _close_all(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("UPDATE orders SET status = 'completed', sync_claimed_until = NULL "
                     "WHERE status IN ('pending', 'in_progress', 'processing', 'awaiting')")
        # Free the panel ids of earlier simulators (>= 200,000,000; the seed's are lower).
        conn.execute("UPDATE orders SET api_order_id = NULL WHERE api_order_id >= 200000000")
        conn.execute("UPDATE orders SET status = 'failed' WHERE status = 'canceled' "
                     "AND completed_at > now() - interval '8 days'")


def _reopen(dsn: str, ids: list[int]) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("UPDATE orders SET status = 'pending', last_checked_at = NULL, "
                     "completed_at = NULL, sync_claimed_until = NULL "
                     "WHERE api_order_id = ANY(%s)", (ids,))


def _round(env: _Env, app_env: dict[str, str], ids: list[int], ns: argparse.Namespace) -> str:
    before = _sim_calls(env)  # type: ignore[arg-type]
    refused = _sim_refused(env)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    command = cli("worker", "--once")
    if ns.runner:
        command[1:3] = [ns.runner]
    if ns.profile:
        command[1:1] = ["-m", "cProfile", "-o", ns.profile]
    cpu = _child_cpu()
    # INFO: the worker's `worker_round_done` line is what this reads.
    proc = subprocess.run(command, env={**app_env, "LOG_LEVEL": "INFO"}, capture_output=True,
                          text=True)
    cpu = _child_cpu() - cpu
    if proc.returncode and "synced" not in proc.stdout:
        raise RuntimeError(f"worker failed:\n{proc.stdout}{proc.stderr[-3000:]}")
    wall = time.perf_counter() - t0
    calls = _sim_calls(env) - before  # type: ignore[arg-type]
    refused = _sim_refused(env) - refused  # type: ignore[arg-type]
    done = [json.loads(line) for line in proc.stdout.splitlines() if "worker_round_done" in line]
    assert done, proc.stdout + proc.stderr
    found = (None, done[0]["synced"], done[0]["seconds"])
    with psycopg.connect(env.dsn) as conn:
        stale, = conn.execute("SELECT count(*) FROM orders WHERE api_order_id = ANY(%s) "
                              "AND last_checked_at IS NULL", (ids,)).fetchone()  # type: ignore[misc]
        by_status: dict[str, int] = {row[0]: row[1] for row in conn.execute(
            "SELECT status, count(*) FROM orders WHERE api_order_id = ANY(%s) "
            "GROUP BY status", (ids,))}
    extra = f"\n{proc.stderr.rstrip()}" if ns.runner else ""
    if proc.returncode:  # after the pass (the worker folds the analytics deltas then)
        extra += f"\nworker exited {proc.returncode}: {proc.stderr.strip()[-300:]}"
    return (f"synced {found[1]} in {found[2]} s (wall {wall:.1f} s, worker CPU {cpu:.1f} s), "
            f"{calls} status calls, {refused} answered 429, {stale} left unchecked; "
            f"now {by_status}{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.sync_bench", description=__doc__)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--advance", type=int, default=0, help="simulator seconds")
    parser.add_argument("--panel-ms", type=int, default=0,
                        help="the simulator answers each status call after this long")
    parser.add_argument("--closed", type=int, default=2000,
                        help="closed orders seeded beyond those to open")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--rate-limit", type=int, default=120,
                        help="simulator 429s beyond this many calls a minute (0: none)")
    parser.add_argument("--budget", type=int, default=100,
                        help="the worker's PANEL_CALLS_PER_MINUTE (0: no budget)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a kept database: close its open orders, seed nothing")
    parser.add_argument("--profile", help="write cProfile stats of each round here")
    parser.add_argument("--runner", help="a script run instead of `social_scale_app.cli` "
                        "(with the same arguments), e.g. to time or patch the worker")
    ns = parser.parse_args(argv)
    url = os.environ.get("SYNC_BENCH_DATABASE_URL", DEFAULT_URL)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    if ns.reuse:
        _close_all(dsn)
    else:  # 82% of the seeded orders are completed: enough to open N of them
        seed(url, companies=20, orders=ns.orders * 5 // 4 + ns.closed)
    port = free_port()
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("FAMPAGE_", "PROMETHEUS_", "SMTP_"))}
    sim = Proc(cli("simulator", "--port", str(port), "--api-key", KEY,
                   "--seed", str(int(time.time()) % 100_000), "--balance", "1000000000000"),
               base_env, Path("/tmp/sync-bench-sim.log"))
    sim_url = f"http://127.0.0.1:{port}/api/v2"
    app_env = {**base_env, "DATABASE_URL": url, "FAMPAGE_API_KEY": KEY,
               "FAMPAGE_BASE_URL": sim_url, "LOG_LEVEL": "WARNING",
               "PANEL_CALLS_PER_MINUTE": str(ns.budget)}
    env = _Env(sim_url, dsn)
    try:
        sim.wait_http(sim_url.replace("/api/v2", "/_control/calls"))
        t0 = time.perf_counter()
        ids = _place(env, ns.orders)
        print(f"placed {len(ids)} orders at the simulator in "
              f"{time.perf_counter() - t0:.1f}s", flush=True)
        _open_orders(env, ids)  # type: ignore[arg-type]
        control = sim_url.replace("/api/v2", "/_control")
        if ns.advance:
            httpx.post(f"{control}/advance", json={"seconds": ns.advance},
                       headers={"X-Api-Key": KEY}).raise_for_status()
        if ns.panel_ms:
            httpx.post(f"{control}/faults", json={"fault": f"status=latency:{ns.panel_ms}"},
                       headers={"X-Api-Key": KEY}).raise_for_status()
        _sim_rate_limit(env, ns.rate_limit or None)  # type: ignore[arg-type]
        for k in range(ns.rounds):
            if k:
                _reopen(dsn, ids)
            print(f"round {k + 1}: {_round(env, app_env, ids, ns)}", flush=True)
    finally:
        sim.stop()
        if not ns.keep and not ns.reuse:
            admin = create_engine(make_url(url).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" '
                                  "WITH (FORCE)"))
            admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
