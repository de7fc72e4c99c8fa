"""Issue 6's placement target alone: `scenarios.placement` against `social-scale serve`
on a scratch PostgreSQL database and the simulator (the full suite's scenario, alone).

    python -m benchmarks.placement_bench [--clients 20] [--per-client 20] [--latency 250]
        [--rounds 2] [--keep]

Creates the database (PLACEMENT_BENCH_DATABASE_URL, default the local server's
`place_scratch`, re-created), migrates it, starts the simulator and `serve` (2 workers,
WEB_THREADS as in the environment), registers an admin and a company, then runs the
scenario `--rounds` times with the simulator's `add` slowed to `--latency` ms. The
database is dropped unless --keep.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks import placement_scenario, scenarios
from benchmarks.measure import Proc, cli, free_port
from benchmarks.run import BOOTSTRAP, _dsn, _login

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/place_scratch"
KEY = "placement-bench-key-0123456789"


def _database(url: str, *, drop_only: bool = False) -> None:
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop_only:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _cpu(pids: list[int]) -> float:
    """CPU milliseconds (user + system) the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.placement_bench", description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--latency", type=int, default=250, help="simulator add, ms")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    ns = parser.parse_args(argv)
    url = os.environ.get("PLACEMENT_BENCH_DATABASE_URL", DEFAULT_URL)
    _database(url)
    sim_port, app_port = free_port(), free_port()
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("FAMPAGE_", "PROMETHEUS_", "SMTP_"))}
    sim_url = f"http://127.0.0.1:{sim_port}/api/v2"
    app_env = {**base_env, "DATABASE_URL": url, "APP_ENV": "production",
               "JWT_SECRET": secrets.token_urlsafe(48), "JWT_ACCESS_TOKEN_EXPIRY": "1h",
               "METRICS_TOKEN": secrets.token_urlsafe(32), "ADMIN_BOOTSTRAP_TOKEN": BOOTSTRAP,
               "FAMPAGE_API_KEY": KEY, "FAMPAGE_BASE_URL": sim_url,
               "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": "2",
               # Far beyond a real panel's limit, as the clients are; the statement is paid.
               "PANEL_CALLS_PER_MINUTE": "1000000"}
    subprocess.run(cli("migrate"), env=app_env, check=True, capture_output=True)
    sim = Proc(cli("simulator", "--port", str(sim_port), "--api-key", KEY,
                   "--balance", "1000000000000"), base_env, Path("/tmp/place-bench-sim.log"))
    app = Proc(cli("serve", "--host", "127.0.0.1", "--port", str(app_port)), app_env,
               Path("/tmp/place-bench-app.log"))
    try:
        sim.wait_http(sim_url.replace("/api/v2", "/_control/calls"))
        base = f"http://127.0.0.1:{app_port}"
        app.wait_http(f"{base}/health/live")
        headers = _login(base)
        company = httpx.post(f"{base}/api/v1/companies", json={"name": "Bench Co"},
                             headers=headers, timeout=60).json()["company"]["id"]
        env = scenarios.Env(base, headers, sim_url, KEY, _dsn(url), app, app_env,
                            [company], [], [])
        for k in range(ns.rounds):
            before = _cpu(app.children()), _cpu([sim.popen.pid]), _machine_cpu()
            r = placement_scenario.placement(env, company, ns.clients, ns.per_client, ns.latency)
            after = _cpu(app.children()), _cpu([sim.popen.pid]), _machine_cpu()
            orders = ns.clients * (ns.per_client + 2) + 3  # with warm-up
            busy, total = (a - b for a, b in zip(after[2], before[2], strict=True))
            print(f"round {k + 1}: {'PASS' if r.ok else 'MISS'} {r.name}: {r.measured} "
                  f"(target {r.target})", flush=True)
            for note in [*r.notes,
                         f"CPU per order: gunicorn workers {(after[0] - before[0]) / orders:.1f}"
                         f" ms, simulator {(after[1] - before[1]) / orders:.1f} ms; machine "
                         f"busy {100 * busy / total:.0f}% during the round"]:
                print(f"        {note}", flush=True)
    finally:
        app.stop()
        sim.stop()
        if not ns.keep:
            _database(url, drop_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
