"""Bench part `etag`: repeated reads of GET /orders?limit=50 with a current If-None-Match
(answered 304 without running the handler), against the plain 200 read and bare hello, in
one run."""

from __future__ import annotations

import httpx

from benchmarks.measure import ROUNDS, best_of, wrk
from benchmarks.scenarios import Env, Result

PATH = "/api/v1/orders?limit=50"


def revalidated(env: Env, hello_url: str, seconds: int) -> Result:
    url = f"{env.base}{PATH}"
    tag = httpx.get(url, headers=env.headers, timeout=30).headers["etag"]
    conditional = {**env.headers, "If-None-Match": tag}
    if httpx.get(url, headers=conditional, timeout=30).status_code != 304:
        raise RuntimeError("the tag just given is not current: nothing to measure")
    hello_rps, _, _ = wrk(hello_url, seconds)
    (plain_rps, _, _, plain_all), (rps, made, _, ours) = best_of(
        [(url, env.headers), (url, conditional)], max(1, seconds // ROUNDS))
    # Writes during the run (a sync round) make later answers 200s: say whether it held.
    held = httpx.get(url, headers=conditional, timeout=30).status_code == 304
    ratio = rps / plain_rps
    notes = [f"hello: {hello_rps:.0f} req/s; plain 200: {plain_rps:.0f} req/s; "
             f"If-None-Match (304): {rps:.0f} req/s over {made} requests",
             f"best of {ROUNDS} interleaved rounds; 304 rounds "
             + ", ".join(f"{r:.0f}" for r in ours) + "; 200 rounds "
             + ", ".join(f"{r:.0f}" for r in plain_all),
             f"304 vs hello: {rps / hello_rps:.3f} x; the tag was "
             + ("still current after the run" if held else "changed by a write during the run")]
    return Result("conditional GET: /orders?limit=50 with a current If-None-Match (304) "
                  "vs the plain 200", ">= 1.0 x", f"{ratio:.2f} x", ratio >= 1.0, notes,
                  cost_ms=1000 / rps)
