"""BENCHMARKS.md: the machine, the command, each target against its measured figure, and
the PostgreSQL plans of the queries the endpoints and the worker run."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.scenarios import Result

# The hand-written reading of the figures (why a target is missed), appended to the report,
# then the soak's and the fuzzer's figures (kept by hand from `nox -s soak` / `nox -s fuzz`).
ANALYSIS = Path(__file__).with_name("ANALYSIS.md")
RELIABILITY = Path(__file__).with_name("RELIABILITY.md")


def write_report(path: Path, results: list[Result], plans: list[tuple[str, str, bool]],
                 machine: list[str], orders: int, companies: int, seed_seconds: float | None,
                 args: str) -> None:
    lines = [
        "# Benchmarks", "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in one run of "
        f"`nox -s bench{' -- ' + args if args else ''}` (`python -m benchmarks.run`).", "",
        "## Machine", "", *[f"- {m}" for m in machine], "",
        "## Data", "",
        f"- {companies} companies, {orders:,} orders, each placed order with its invoice "
        "(one line; about 2% of paid invoices credited), seeded with COPY"
        + (f" in {seed_seconds:.0f} s" if seed_seconds is not None else " (reused)"), "",
        "## Targets", "",
        "Ratio: the measured figure ÷ the goal's (for a `<=` goal below 1 is met, for a "
        "`>=` goal 1 or more is met); a flat-cost row's figure is already the ratio of the "
        "large size's cost to the small one's.", "",
        "| target | goal | measured | ratio | verdict |", "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r.name} | {r.target} | {r.measured} | {ratio(r)} | "
                     f"{'met' if r.ok else '**missed**'} |")
    missed = [r for r in results if not r.ok]
    if missed:
        lines += ["", "### Missed targets and their profiles", ""]
        lines += [f"- **{r.name}** ({r.measured}): {profile_of(r)}" for r in missed]
    lines += ["", "### Details", ""]
    for r in results:
        lines.append(f"- **{r.name}**")
        lines.extend(f"  - {note}" for note in r.notes)
    lines += ["", "## Query plans (EXPLAIN ANALYZE on the benchmark data)", ""]
    for title, text, ok in plans:
        if "Seq Scan on orders" not in text:
            verdict = "indexes only, no sequential scan of orders"
        else:
            verdict = "sequential scan of orders (the whole table is the work)" if ok else (
                "SEQUENTIAL SCAN (a defect)")
        lines += [f"### {title} — {verdict}", "", "```", _clip(text), "```", ""]
    for extra in (ANALYSIS, RELIABILITY):
        if extra.exists():
            lines += ["", extra.read_text()]
    path.write_text("\n".join(lines))


def ratio(r: Result) -> str:
    """The first figure of `measured` ÷ the first of `target`, when both are numbers."""
    if r.name.startswith("flat cost:"):
        return r.measured.split(" ", 1)[0]
    got, goal = _first_number(r.measured), _first_number(r.target)
    return f"{got / goal:.2f}" if got is not None and goal else "—"


def _first_number(text: str) -> float | None:
    found = re.search(r"-?[\d,]*\.?\d+", text)
    return float(found.group(0).replace(",", "")) if found else None


# Where each kind of figure's profile lives, for a missed target.
PROFILES = {
    "console page": "the console's statements are in the plans below ('console: …'); "
                    "the analysis (py-spy and SQL per page) is in the console section "
                    "of the analysis at the end",
    "flat cost": "compare the plans below at the large size; the analysis at the end "
                 "says which statement grows with the data",
}


def profile_of(r: Result) -> str:
    kind = next((k for k in PROFILES if r.name.startswith(k)), None)
    return PROFILES[kind] if kind else "see the plans and the analysis below"


def _clip(text: str, width: int = 240) -> str:
    """Long lines (a batch's 100 ids) cut short: the plan's shape is what matters."""
    return "\n".join(line if len(line) <= width else line[:width] + " …"
                     for line in text.splitlines())
