"""The sync part of the benchmark: N open orders brought current by `worker --once` under
the panel call budget, with the simulator answering 429 beyond its limit (issue 17)."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg

from benchmarks.measure import cli
from benchmarks.scenarios import Env, Result, _service


def sync(env: Env, orders: int, rate_limit: int = 120, budget: int = 100) -> Result:
    """The worker brings `orders` open orders current with the simulator answering 429
    beyond `rate_limit` calls a minute and PANEL_CALLS_PER_MINUTE=`budget`: zero 429s, and
    a wall time bound by the budget (its floor: the calls past one full bucket, paced)."""
    from social_scale_core.panel_budget import BudgetRule

    ids = _place_at_simulator(env, orders)
    _open_orders(env, ids)
    calls_before, refused_before = _sim_calls(env), _sim_refused(env)
    _sim_rate_limit(env, rate_limit or None)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cli("worker", "--once"), env={**env.app_env, "PANEL_CALLS_PER_MINUTE": str(budget),
                                          "LOG_LEVEL": "INFO"},  # its round's line
            capture_output=True, text=True, check=True)
    finally:
        _sim_rate_limit(env, None)
    wall = time.perf_counter() - t0
    calls, refused = _sim_calls(env) - calls_before, _sim_refused(env) - refused_before
    seconds = next(json.loads(line)["seconds"] for line in proc.stdout.splitlines()
                   if "worker_round_done" in line)
    with psycopg.connect(env.dsn) as conn:
        stale = conn.execute("SELECT count(*) FROM orders WHERE api_order_id = ANY(%s) "
                             "AND last_checked_at IS NULL", (ids,)).fetchone()[0]  # type: ignore[index]
    rule = BudgetRule.for_limit(budget) if budget else None
    # The status calls past one full bucket, one per interval (0 without a budget).
    floor = max(0, calls - rule.capacity) * rule.interval_us / 1e6 if rule else 0.0
    ok = calls <= 100 and refused == 0 and stale == 0 and seconds <= floor + 15
    pace = (f"one call every {rule.interval_us / 1e6:.2f} s after a bucket of {rule.capacity}"
            if rule else "no budget")
    return Result(f"sync: {orders} open orders brought current under the panel call budget",
                  f"<= 100 calls, 0 429s (simulator --rate-limit {rate_limit}, "
                  f"PANEL_CALLS_PER_MINUTE={budget}), time bound by the budget",
                  f"{calls} calls, {refused} 429s, {seconds:.1f} s (budget floor {floor:.1f} s)",
                  ok,
                  [f"`social-scale worker --once` wall time incl. start-up {wall:.2f} s; "
                   f"orders left unchecked: {stale}; the budget: {pace}"])


def _place_at_simulator(env: Env, n: int) -> list[int]:
    service = _service(env)

    client = httpx.Client(timeout=30)  # one pooled client: building one costs ~30 ms

    def add(k: int) -> int:
        r = client.post(env.sim_url, data={"key": env.sim_key, "action": "add",
                                           "service": service, "quantity": 100,
                                           "link": f"https://instagram.com/sync{k}"})
        return int(r.json()["order"])

    with client, ThreadPoolExecutor(4) as pool:
        return list(pool.map(add, range(n)))


def _open_orders(env: Env, api_ids: list[int]) -> None:
    """Turn that many seeded (closed) orders into open ones the simulator knows."""
    with psycopg.connect(env.dsn) as conn:
        conn.execute("CREATE TEMP TABLE opened (order_id text, api_id bigint)")
        chosen = conn.execute("SELECT id FROM orders WHERE status = 'completed' LIMIT %s",
                              (len(api_ids),)).fetchall()
        with conn.cursor().copy("COPY opened FROM STDIN") as copy:
            for (order_id,), api_id in zip(chosen, api_ids, strict=True):
                copy.write_row((order_id, api_id))
        conn.execute("UPDATE orders o SET status = 'pending', api_order_id = opened.api_id, "
                     "charge = NULL, completed_at = NULL, last_checked_at = NULL "
                     "FROM opened WHERE o.id = opened.order_id")
        conn.commit()
        conn.execute("ANALYZE orders")


def _sim_calls(env: Env) -> int:
    control = env.sim_url.replace("/api/v2", "/_control/calls")
    calls: dict[str, Any] = httpx.get(control, headers={"X-Api-Key": env.sim_key}).json()
    return int(calls["calls"].get("status", 0))


def _sim_refused(env: Env) -> int:
    control = env.sim_url.replace("/api/v2", "/_control/calls")
    return int(httpx.get(control, headers={"X-Api-Key": env.sim_key}).json()["rate_limited"])


def _sim_rate_limit(env: Env, limit: int | None) -> None:
    control = env.sim_url.replace("/api/v2", "/_control/rate_limit")
    httpx.post(control, json={"limit": limit},
               headers={"X-Api-Key": env.sim_key}).raise_for_status()
