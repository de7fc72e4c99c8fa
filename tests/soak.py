"""Soak: SOAK_MINUTES (default 10) of mixed traffic against gunicorn + PostgreSQL + the panel
simulator with faults switched on, and the sync worker running beside it.

    SOAK_MINUTES=1 python -m tests.soak          # or: nox -s soak

Traffic (SOAK_THREADS clients): orders placed with Idempotency-Keys, status syncs (one and
many), refills and cancels, lists, stats, analytics (JSON and CSV), invoice PDFs, logins,
refreshes, services and balance. Every few seconds a fault is injected at the panel for a
call or two. Afterwards: faults off, orders whose `add` answer was lost are resolved from
the panel's own list, one final sync, then the books are compared.

Pass criteria: no 500 and no unexpected status or connection error (502/503/504 and the
panel's refusals only where faults were injected); gunicorn workers' RSS grows < 10% after
the warm-up; no order twice at the panel; after resolving, the panel's order ids and ours
are the same set, and every order the panel finished agrees with ours on status and charge.
Results go to SOAK_REPORT (JSON) and stdout.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from social_scale_adapters.fampage.simulator import ScaledClock

from tests.e2e.conftest import E2E_SECRET
from tests.e2e.panel import ADMIN, Panel, Server, admin_client, private_postgres, serving
from tests.soak_traffic import Traffic

KEY = "soak-panel-key-4d5e6f70"
FAULTS = ["add=timeout:4*1", "add=drop*1", "add=malformed*1", "add=502*1", "add=503*1",
          "add=error*1", "status=502*2", "status=timeout:3*1", "status=malformed*1",
          "balance=429:0*2", "services=503*3", "refill=drop*1", "cancel=500*1",
          "*=latency:200*5"]


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


class Sampler(threading.Thread):
    """Samples the workers' RSS every `every` seconds; notes worker restarts."""

    def __init__(self, server: Server, stop: threading.Event, every: float = 5) -> None:
        super().__init__(daemon=True)
        self.server, self.stop, self.every = server, stop, every
        self.samples: list[tuple[float, int]] = []
        self.pids = set(server.workers())
        self.restarts = 0

    def run(self) -> None:
        started = time.monotonic()
        while not self.stop.wait(self.every):
            workers = self.server.workers()
            self.restarts += len(set(workers) - self.pids)
            self.pids |= set(workers)
            self.samples.append((time.monotonic() - started, rss_kb(workers)))


def inject_faults(panel: Panel, stop: threading.Event, counts: Counter[str],
                  every: float = 3.0) -> None:
    rng = random.Random(7)
    while not stop.wait(every):
        spec = rng.choice(FAULTS)
        panel.fault(spec)
        counts[spec] += 1


@contextmanager
def sync_worker(directory: Path, env: dict[str, str]) -> Iterator[None]:
    values = {**os.environ, **env, "APP_ENV": "test", "JWT_SECRET": E2E_SECRET,
              "SYNC_INTERVAL": "5s", "LOG_LEVEL": "WARNING"}
    with (directory / "worker.log").open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "social_scale_app.cli", "worker"],
                                env=values, cwd=directory, stdout=out, stderr=out)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(30)


def growth(samples: list[tuple[float, int]], warmup: float) -> dict[str, Any]:
    after = [kb for t, kb in samples if t >= warmup]
    if len(after) < 4:
        return {"baseline_kb": None, "final_kb": None, "growth_pct": None}
    baseline = sum(after[:3]) / 3
    final = sum(after[-3:]) / 3
    return {"baseline_kb": round(baseline), "final_kb": round(final),
            "growth_pct": round((final - baseline) / baseline * 100, 2)}


def all_orders(api: httpx.Client) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = api.get("/orders", params={"limit": 200, "offset": len(items),
                                          "sort": "createdAt"}).json()
        items += page["items"]
        if len(items) >= page["total"] or not page["items"]:
            return items


def resolve_lost(api: httpx.Client, panel: Panel) -> Counter[str]:
    """Unknown (or stuck submitting) orders: pending with the panel's id if the panel has
    an order for that link, else failed (the panel never acted)."""
    at_panel = {o["link"]: o["order"] for o in panel.orders()}
    done: Counter[str] = Counter()
    for order in all_orders(api):
        if order["status"] not in ("unknown", "submitting"):
            continue
        api_id = at_panel.get(order["link"])
        body = ({"status": "pending", "apiOrderId": api_id} if api_id
                else {"status": "failed"})
        result = api.put(f"/orders/{order['id']}/status", json=body)
        done[f"{body['status']}:{result.status_code}"] += 1
    return done


def final_sync(api: httpx.Client, ids: list[int]) -> None:
    for start in range(0, len(ids), 100):
        batch = ",".join(map(str, ids[start:start + 100]))
        result = api.get("/api-integrations/orders/status", params={"orderIds": batch})
        assert result.status_code == 200, result.text


def books(api: httpx.Client, panel: Panel) -> dict[str, Any]:
    """Compare the panel's orders with ours (after resolving and a final sync)."""
    theirs = panel.orders()
    # Final at the panel before our last sync: these cannot change any more.
    finished = [o for o in theirs if o["status"] in ("Completed", "Partial", "Canceled")]
    links = Counter(o["link"] for o in theirs)
    final_sync(api, sorted(o["order"] for o in theirs))
    ours = all_orders(api)
    our_ids = {o["apiOrderId"] for o in ours if o["apiOrderId"] is not None}
    by_id = {o["apiOrderId"]: o for o in ours}
    disagree = [
        {"order": o["order"], "panel": [o["status"], o["charge"], o["remains"]],
         "ours": [by_id[o["order"]][k] for k in ("status", "charge", "remains")]
         if o["order"] in by_id else None}
        for o in finished if o["order"] not in by_id
        or by_id[o["order"]]["status"] != o["status"].lower()
        or by_id[o["order"]]["charge"] != o["charge"]]
    return {"panel_orders": len(theirs), "our_orders": len(ours),
            "our_placed": len(our_ids), "placed_twice": sum(n > 1 for n in links.values()),
            "only_at_panel": len({o["order"] for o in theirs} - our_ids),
            "only_ours": len(our_ids - {o["order"] for o in theirs}),
            "finished_checked": len(finished), "finished_disagree": disagree[:20],
            "by_status": dict(Counter(o["status"] for o in ours))}


def verdict(report: dict[str, Any]) -> list[str]:
    problems = []
    if report["traffic"]["unexpected"]:
        problems.append(f"unexpected answers: {report['traffic']['unexpected'][:10]}")
    rss = report["rss"]["growth_pct"]
    if rss is None or rss >= 10:
        problems.append(f"worker RSS growth {rss}% (limit 10%)")
    b = report["books"]
    if b["placed_twice"] or b["only_at_panel"] or b["only_ours"] or b["finished_disagree"]:
        problems.append(f"the books disagree: {b}")
    return problems


def run(minutes: float, threads: int, directory: Path) -> dict[str, Any]:
    with private_postgres() as pg_url:
        if pg_url is None:
            raise SystemExit("soak: PostgreSQL is required (TEST_DATABASE_URL)")
        # Money enough for any run: an empty account (402) is not what is being tested.
        panel = Panel(KEY, clock=ScaledClock(30), balance=Decimal(10) ** 12)
        env = {"DATABASE_URL": pg_url, "FAMPAGE_API_KEY": KEY, "FAMPAGE_BASE_URL": panel.url,
               "FAMPAGE_TIMEOUT": "2s", "COMPANY_CREATE_LIMIT_PER_HOUR": "1000000",
               "JWT_ACCESS_TOKEN_EXPIRY": "2m", "WEB_CONCURRENCY": "2",
               # Six clients ask far beyond a panel's minute (the simulator has no limit
               # here); the budget's own e2e test runs it against a limited panel.
               "PANEL_CALLS_PER_MINUTE": "0"}
        try:
            with serving(directory, **env) as server, sync_worker(directory, env):
                return drive(server, panel, minutes, threads)
        finally:
            panel.stop()


def drive(server: Server, panel: Panel, minutes: float, threads: int) -> dict[str, Any]:
    api = admin_client(server.url)
    stop, faults = threading.Event(), Counter[str]()
    sampler = Sampler(server, stop)
    traffic = Traffic(server.url, ADMIN, [_company(api, i) for i in range(5)])
    sampler.start()
    injector = threading.Thread(target=inject_faults, args=(panel, stop, faults), daemon=True)
    injector.start()
    started = time.monotonic()
    traffic.run(threads, started + minutes * 60)
    stop.set()
    injector.join()
    panel.clear()
    api = admin_client(server.url)  # a fresh session: the first one's token has expired
    resolved = resolve_lost(api, panel)
    return {"minutes": minutes, "threads": threads,
            "seconds": round(time.monotonic() - started, 1),
            "traffic": traffic.summary(), "faults_injected": dict(faults),
            "rss": {**growth(sampler.samples, warmup=min(120.0, minutes * 60 * 0.3)),
                    "samples": len(sampler.samples), "worker_restarts": sampler.restarts},
            "resolved_lost_orders": dict(resolved), "books": books(api, panel),
            "panel_calls": panel.calls()}


def _company(api: httpx.Client, i: int) -> str:
    created = api.post("/companies", json={"name": f"Soak Client {i}"})
    created.raise_for_status()
    company_id: str = created.json()["company"]["id"]
    return company_id


def main() -> int:
    minutes = float(os.environ.get("SOAK_MINUTES", "10"))
    threads = int(os.environ.get("SOAK_THREADS", "6"))
    directory = Path(tempfile.mkdtemp(prefix="soak-"))  # kept: the servers' logs
    report = run(minutes, threads, directory)
    report["logs"] = str(directory)
    report["problems"] = verdict(report)
    text = json.dumps(report, indent=2)
    print(text)
    target = os.environ.get("SOAK_REPORT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text)
    print("soak: " + ("PASS" if not report["problems"] else "FAIL: " +
                      "; ".join(report["problems"])))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
