"""Flat cost (issue 17 item 6): the read, analytics and console figures measured on a small
seed and again after it grew to the full one, compared figure by figure."""

from __future__ import annotations

import re

from benchmarks.scenarios import Result

PARTS = ("read", "analytics", "console")
# The criterion: a figure's cost per request on the full data may be at most this many
# times its cost on the small one (1.0 is perfectly flat; this box's noise is ~20%).
LIMIT = 1.5


def cost_of(result: Result) -> float | None:
    """Milliseconds per request: the scenario's own `cost_ms`, else a `NN ms` figure."""
    if result.cost_ms is not None:
        return result.cost_ms
    found = re.fullmatch(r"\s*([\d.]+) ms.*", result.measured)
    return float(found.group(1)) if found else None


def compare(small: list[Result], full: list[Result], small_orders: int,
            full_orders: int) -> list[Result]:
    """One Result per figure measured at both sizes: cost at full ÷ cost at small."""
    before = {r.name: cost_of(r) for r in small}
    out = []
    for r in full:
        after, was = cost_of(r), before.get(r.name)
        if after is None or not was:
            continue
        ratio = after / was
        out.append(Result(
            f"flat cost: {r.name}", f"{_size(full_orders)} ÷ {_size(small_orders)} <= {LIMIT}",
            f"{ratio:.2f} x ({was:.1f} ms at {_size(small_orders)}, {after:.1f} ms at "
            f"{_size(full_orders)})", ratio <= LIMIT, cost_ms=None))
    return out


def _size(orders: int) -> str:
    return f"{orders // 1_000_000}M" if orders % 1_000_000 == 0 else f"{orders // 1000}k"
