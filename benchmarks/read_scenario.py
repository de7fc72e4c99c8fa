"""The read part (issue 17 item 2): the project's orders page and `/auth/me` against the
hand-tuned reference (benchmarks/reference.py) and a bare Falcon hello, in one run, on the
same data, under the same wrk settings."""

from __future__ import annotations

import re

import httpx

from benchmarks.measure import ROUNDS, best_of, wrk
from benchmarks.scenarios import Env, Result

ORDERS, ME = "/api/v1/orders?limit=50", "/api/v1/auth/me"


def same_answers(env: Env, reference: str) -> list[str]:
    """Both apps give the same JSON for both paths (else the comparison is void); notes
    with each answer's size in bytes."""
    notes = []
    for path in (ORDERS, ME):
        ours = httpx.get(env.base + path, headers=env.headers, timeout=60)
        theirs = httpx.get(reference + path, headers=env.headers, timeout=60)
        ours.raise_for_status()
        theirs.raise_for_status()
        if ours.json() != theirs.json():
            raise RuntimeError(f"{path}: the reference's answer differs from the project's:\n"
                               f"{ours.text[:2000]}\n---\n{theirs.text[:2000]}")
        notes.append(f"{path}: same JSON from both; {len(ours.content)} bytes from the "
                     f"project, {len(theirs.content)} from the reference")
    return notes


def _latency(report: str) -> str:
    # Anchored: a "+/- Stdev" figure such as "75.50%" must not be read as the p50.
    found = re.search(r"^\s+50%\s+(\S+).*?^\s+99%\s+(\S+)", report, re.S | re.M)
    return f"p50 {found.group(1)}, p99 {found.group(2)}" if found else "?"


def read_api(env: Env, hello_url: str, reference: str, seconds: int
             ) -> tuple[list[Result], int]:
    """(results, requests the project served): hello, then each path on the reference and
    on the project, in interleaved rounds (measure.best_of), so that both see the same
    load on the box and the same odds of wrk's connections landing on one worker."""
    notes = same_answers(env, reference)
    hello_rps, _, _ = wrk(hello_url, seconds)
    results, made = [], 0
    for path, name in ((ORDERS, "GET /orders?limit=50"), (ME, "GET /auth/me")):
        (ref_rps, _, ref_report, ref_all), (rps, served, report, ours) = best_of(
            [(reference + path, env.headers), (env.base + path, env.headers)],
            max(1, seconds // ROUNDS))
        made += served
        ratio = rps / ref_rps
        results.append(Result(
            f"read API: {name} vs the hand-tuned reference", ">= 1.0 x", f"{ratio:.2f} x",
            ratio >= 1.0,
            [f"project {rps:.0f} req/s ({_latency(report)}); reference {ref_rps:.0f} req/s "
             f"({_latency(ref_report)}); hello {hello_rps:.0f} req/s",
             f"best of {ROUNDS} interleaved rounds; project's rounds "
             + ", ".join(f"{r:.0f}" for r in ours) + "; reference's "
             + ", ".join(f"{r:.0f}" for r in ref_all),
             f"project ÷ hello {rps / hello_rps:.3f} x; reference ÷ hello "
             f"{ref_rps / hello_rps:.3f} x", *(notes if path == ORDERS else [])],
            cost_ms=1000 / rps))
    return results, made
