"""Run every benchmark of issue 6 in one go and write BENCHMARKS.md.

    python -m benchmarks.run [--orders 1000000] [--flat 100000] [--companies 1000] [--reuse]
                             [--seconds 20] [--only PART,...]

With --flat N (default 100,000; 0 turns it off) the read, analytics and console parts run
first on N orders, then the seed grows to --orders and every part runs: the report gives
each of those figures at both sizes and their ratio (flat cost).

Needs PostgreSQL (BENCH_DATABASE_URL, default: the local server, database `ss_bench`,
dropped and re-created unless --reuse) and `wrk` on the PATH.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from benchmarks import (
    conditional,
    console_pages,
    flat,
    placement_scenario,
    read_scenario,
    scenarios,
    sync_scenario,
)
from benchmarks.explain import explain_all
from benchmarks.measure import ROOT, Proc, cli, free_port
from benchmarks.report import write_report
from benchmarks.seed import extend, seed

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ss_bench"
SIM_KEY = "bench-panel-key-0123456789"
ADMIN = {"email": "owner@socialscale.test", "password": "load-test passphrase 0123456789"}


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _samples(dsn: str) -> tuple[list[str], list[str], list[str], int]:
    with psycopg.connect(dsn) as conn:
        companies = [r[0] for r in conn.execute("SELECT id FROM companies ORDER BY id")]
        targets = [r[0] for r in conn.execute(
            "SELECT target_key FROM orders TABLESAMPLE SYSTEM (1) LIMIT 500")]
        invoices = [r[0] for r in conn.execute(
            "SELECT id FROM invoices TABLESAMPLE SYSTEM (1) WHERE kind = 'invoice' LIMIT 500")]
        orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]  # type: ignore[index]
    return companies, targets, invoices, int(orders)


# Production wants a bootstrap token to register the admin over HTTP (issue 12).
BOOTSTRAP = secrets.token_urlsafe(32)


def _login(base: str) -> dict[str, str]:
    httpx.post(f"{base}/api/v1/auth/register", json={**ADMIN, "name": "Bench"}, timeout=60,
               headers={"X-Bootstrap-Token": BOOTSTRAP})
    token = httpx.post(f"{base}/api/v1/auth/login", json=ADMIN, timeout=60).json()
    return {"Authorization": f"Bearer {token['accessToken']}"}


def _machine(dsn: str) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return [f"CPU: {cpu}, {os.cpu_count()} cores; memory {mem} GiB",
            f"Python {platform.python_version()}; {pg}; server settings as installed "
            f"(autovacuum {_setting(dsn, 'autovacuum')}, shared_buffers "
            f"{_setting(dsn, 'shared_buffers')})",
            "Everything on this one machine: PostgreSQL, the simulator, gunicorn "
            "(2 workers x 16 threads, gthread), wrk and the benchmark driver",
            "Load average when the report was written (1, 5, 15 min): "
            + " ".join(Path("/proc/loadavg").read_text().split()[:3])]


def _setting(dsn: str, name: str) -> str:
    with psycopg.connect(dsn) as conn:
        return str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--flat", type=int, default=100_000, help="orders of the first, "
                        "smaller measurement (0: none); the seed then grows to --orders")
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--sync-orders", type=int, default=10_000)
    parser.add_argument("--sync-rate-limit", type=int, default=120,
                        help="the simulator's 429 limit during the sync part (calls a minute)")
    parser.add_argument("--sync-budget", type=int, default=100,
                        help="PANEL_CALLS_PER_MINUTE of the sync part's worker")
    parser.add_argument("--seconds", type=int, default=20, help="per wrk round")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--only", default="", help="comma-separated parts to run (default: "
                        "all): " + ",".join(PARTS))
    ns = parser.parse_args(argv)
    unknown = {p for p in ns.only.split(",") if p} - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; known: {', '.join(PARTS)}")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    dsn = _dsn(url)
    small = ns.flat if 0 < ns.flat < ns.orders and not ns.reuse else 0
    t0 = time.perf_counter()
    early: list[scenarios.Result] = []
    if small:
        seed(url, ns.companies, small)
        early = _measure(url, ns, flat.PARTS, with_plans=False)[0]
        extend(url, ns.companies, small, ns.orders)
    elif not ns.reuse:
        seed(url, ns.companies, ns.orders)
    seed_seconds = time.perf_counter() - t0
    results, plans, total, companies = _measure(url, ns, PARTS)
    if small:
        results += flat.compare(early, results, small, total)
    write_report(Path(ns.out), results, plans, _machine(dsn), total, companies,
                 seed_seconds if not ns.reuse else None, " ".join(sys.argv[1:]))
    for r in results:
        print(f"{r.name}:")
        for note in r.notes:
            print(f"        {note}")
    print(f"bench: wrote {ns.out} ({time.perf_counter() - t0:.0f} s in all)")
    return 0


def _measure(url: str, ns: argparse.Namespace, parts: tuple[str, ...], with_plans: bool = True
             ) -> tuple[list[scenarios.Result], list[tuple[str, str, bool]], int, int]:
    """Start the simulator, the app and hello on the data as it is, run `parts` (those of
    them --only allows), stop them: (results, plans, orders, companies)."""
    dsn = _dsn(url)
    companies, targets, invoices, total = _samples(dsn)
    print(f"bench: measuring on {total:,} orders", flush=True)
    logs = Path(os.environ.get("BENCH_LOGS", "/tmp"))
    sim_port, app_port, hello_port, ref_port = free_port(), free_port(), free_port(), free_port()
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("FAMPAGE_", "PROMETHEUS_", "SMTP_"))}
    # A fresh seed each run: its panel ids must not collide with orders kept by --reuse.
    sim = Proc(cli("simulator", "--port", str(sim_port), "--api-key", SIM_KEY,
                   "--seed", str(int(time.time()) % 100_000),
                   "--balance", "1000000000000"), base_env, logs / "bench-simulator.log")
    sim_url = f"http://127.0.0.1:{sim_port}/api/v2"
    app_env = {**base_env, "DATABASE_URL": url, "APP_ENV": "production",
               "JWT_SECRET": secrets.token_urlsafe(48), "JWT_ACCESS_TOKEN_EXPIRY": "1h",
               "METRICS_TOKEN": secrets.token_urlsafe(32), "ADMIN_BOOTSTRAP_TOKEN": BOOTSTRAP,
               "FAMPAGE_API_KEY": SIM_KEY, "FAMPAGE_BASE_URL": sim_url,
               "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": "2",
               # The placement part's 20 clients ask far beyond any panel's limit (the
               # simulator has none then): a budget this large still takes its statement
               # per call. The sync part's worker runs with --sync-budget.
               "PANEL_CALLS_PER_MINUTE": "1000000"}
    app = Proc(cli("serve", "--host", "127.0.0.1", "--port", str(app_port)), app_env,
               logs / "bench-app.log")
    hello = Proc([sys.executable, "-m", "benchmarks.hello", str(hello_port)], base_env,
                 logs / "bench-hello.log")
    # The hand-tuned yardstick: the same data, and the app's secret so that it takes its tokens.
    reference = Proc([sys.executable, "-m", "benchmarks.reference", str(ref_port)],
                     {**base_env, "REFERENCE_DSN": dsn, "JWT_SECRET": app_env["JWT_SECRET"]},
                     logs / "bench-reference.log")
    plans: list[tuple[str, str, bool]] = []
    try:
        sim.wait_http(sim_url.replace("/api/v2", "/_control/calls"))
        base = f"http://127.0.0.1:{app_port}"
        app.wait_http(f"{base}/health/live")
        hello.wait_http(f"http://127.0.0.1:{hello_port}/hello")
        reference.wait_http(f"http://127.0.0.1:{ref_port}/api/v1/auth/me")
        env = scenarios.Env(base, _login(base), sim_url, SIM_KEY, dsn, app, app_env,
                            companies, targets, invoices)
        results = run_all(env, ns, (f"http://127.0.0.1:{hello_port}/hello",
                                    f"http://127.0.0.1:{ref_port}"), parts)
        if with_plans:
            plans = explain_all(url, companies[0], targets[0])
    finally:
        for proc in (reference, hello, app, sim):
            proc.stop()
    return results, plans, total, len(companies)


def _parts(env: scenarios.Env, ns: argparse.Namespace, yardsticks: tuple[str, str],
           made: list[int]) -> dict[str, Callable[[], list[scenarios.Result]]]:
    """Each part of the run, in the order it runs (sync before placement: the orders placed
    there stay open and would join the pass; memory last, counting what read made)."""
    def read() -> list[scenarios.Result]:
        results, made[0] = read_scenario.read_api(env, *yardsticks, ns.seconds)
        return results

    return {
        "read": read,
        "etag": lambda: [conditional.revalidated(env, yardsticks[0], ns.seconds)],
        "analytics": lambda: list(scenarios.analytics(env, samples=30)),
        "pdf": lambda: [scenarios.invoice_pdf(env, samples=30)],
        "console": lambda: list(console_pages.run(env, ADMIN, samples=10)),
        "sync": lambda: [sync_scenario.sync(env, ns.sync_orders, ns.sync_rate_limit,
                                            ns.sync_budget)],
        "placement": lambda: [placement_scenario.placement(env, env.companies[1],
                                                           clients=20, per_client=20)],
        "memory": lambda: [scenarios.memory(
            env, made[0], 50_000, ns.seconds,
            (console_pages.cookie_source(env, ADMIN), console_pages.soak_paths(env)))],
    }


PARTS = ("read", "etag", "analytics", "pdf", "console", "sync", "placement", "memory")


def run_all(env: scenarios.Env, ns: argparse.Namespace, yardsticks: tuple[str, str],
            parts: tuple[str, ...] = PARTS) -> list[scenarios.Result]:
    """`yardsticks`: the URLs of hello's route and of the hand-tuned reference app."""
    only = ({p for p in ns.only.split(",") if p} or set(PARTS)) & set(parts)
    results: list[scenarios.Result] = []
    for name, part in _parts(env, ns, yardsticks, [0]).items():
        if name not in only:
            continue
        for r in part():
            results.append(r)
            print(f"{'PASS' if r.ok else 'MISS'}  {r.name}: {r.measured} (target {r.target})",
                  flush=True)
    return results


if __name__ == "__main__":
    sys.exit(main())
