"""One function per target of issue 6; each returns a Result (figure, target, verdict)."""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from benchmarks.measure import Proc, percentile, rss_mb, timed, wrk


@dataclass
class Result:
    name: str
    target: str
    measured: str
    ok: bool
    notes: list[str] = field(default_factory=list)
    # Milliseconds one request costs (p50, or 1000 / req/s), compared across data sizes by
    # benchmarks.flat; None where the figure has no such cost.
    cost_ms: float | None = None


@dataclass
class Env:
    """What the scenarios share: the app, its token, the simulator, the database."""

    base: str
    headers: dict[str, str]
    sim_url: str
    sim_key: str
    dsn: str
    app: Proc
    app_env: dict[str, str]
    companies: list[str]
    targets: list[str]
    invoices: list[str]
    rng: random.Random = field(default_factory=lambda: random.Random(6))


def analytics(env: Env, samples: int) -> list[Result]:
    client = httpx.Client(base_url=env.base, headers=env.headers, timeout=60)

    def p50(paths: list[str], budget: float = 90.0) -> float:
        """p50 over `paths` (at least 3 of them, fewer than all if `budget` s run out)."""
        client.get(paths[0])  # warm caches and pools
        times: list[float] = []
        deadline = time.monotonic() + budget
        for path in paths:
            times.append(timed(lambda p=path: client.get(p)))
            if len(times) >= 3 and time.monotonic() > deadline:
                break
        return percentile(times, 50)

    stats = p50(["/api/v1/analytics/stats"] * samples)
    history = p50([f"/api/v1/analytics/company/{env.rng.choice(env.companies)}/history"
                   for _ in range(samples)])
    spellings = [quote("https://www." + env.rng.choice(env.targets), safe="")
                 for _ in range(samples)]
    target = p50([f"/api/v1/analytics/target/{s}" for s in spellings])
    return [
        Result("analytics: /analytics/stats, p50", "<= 150 ms", f"{stats:.1f} ms",
               stats <= 150),
        Result("analytics: company history page, p50", "<= 30 ms", f"{history:.1f} ms",
               history <= 30),
        Result("analytics: target lookup, p50", "<= 30 ms", f"{target:.1f} ms", target <= 30),
    ]


def invoice_pdf(env: Env, samples: int) -> Result:
    client = httpx.Client(base_url=env.base, headers=env.headers, timeout=60)
    ids = [env.rng.choice(env.invoices) for _ in range(samples)]
    client.get(f"/api/v1/invoices/{ids[0]}/download")
    times = [timed(lambda i=i: client.get(f"/api/v1/invoices/{i}/download")) for i in ids]
    p50 = percentile(times, 50)
    return Result("invoice PDF download (render + HTTP), p50", "<= 25 ms", f"{p50:.1f} ms",
                  p50 <= 25, [f"p90 {percentile(times, 90):.1f} ms over {samples}"])


def _service(env: Env) -> int:
    listing = httpx.get(f"{env.base}/api/v1/api-integrations/services?network=Instagram",
                        headers=env.headers, timeout=60).json()
    return int(next(s["service"] for s in listing["networks"][0]["services"]
                    if s["type"] == "Default" and s["min"] <= 100 <= s["max"]))


def memory(env: Env, done: int, goal: int, seconds: int,
           console: tuple[Callable[[], str], list[str]] | None = None) -> Result:
    """RSS of each gunicorn worker as requests accumulate to `goal`: rounds of wrk on the
    API, each followed by one on the console's pages when `console` gives a source of
    signed-in Cookie headers and the paths to cycle through."""
    pids = env.app.children()
    company = env.companies[0]
    url = f"{env.base}/api/v1/orders?limit=50&companyId={company}"
    readings = [(done, [rss_mb(p) for p in pids])]
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        script = _paths_script(Path(tmp), console[1]) if console else None
        while done < goal:
            _, made, _ = wrk(url, seconds, headers=env.headers)
            done += made
            if console and script:
                _, made, _ = wrk(env.base + console[1][0], max(1, seconds // 2),
                                 headers={"Cookie": console[0]()}, script=script)
                done, pages = done + made, pages + made
            readings.append((done, [rss_mb(p) for p in pids]))
    last, before = max(readings[-1][1]), max(readings[-2][1])
    growth = last - before
    ok = last <= 150 and growth <= max(2.0, 0.02 * last)
    notes = [f"after {n} requests: " + ", ".join(f"{mb:.0f} MB" for mb in mbs)
             for n, mbs in readings]
    if console:
        notes.insert(0, f"{pages} of the requests were console pages: "
                     + ", ".join(console[1]))
    return Result(f"memory: gunicorn worker RSS after {done} requests", "<= 150 MB, flat",
                  f"{last:.0f} MB (last round {growth:+.1f} MB)", ok, notes)


def _paths_script(folder: Path, paths: list[str]) -> Path:
    """A wrk script that requests `paths` in turn."""
    script = folder / "paths.lua"
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write_text(f"local paths = {{{quoted}}}\nlocal i = 0\n"
                      "request = function()\n  i = i % #paths + 1\n"
                      "  return wrk.format(\"GET\", paths[i])\nend\n")
    return script
