"""BENCHMARKS.md: the machine, the command, each target against its measured figure, and
the PostgreSQL plans of the queries the endpoints and the worker run."""

from __future__ import annotations

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
        "| target | goal | measured | verdict |", "|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r.name} | {r.target} | {r.measured} | "
                     f"{'met' if r.ok else '**missed**'} |")
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


def _clip(text: str, width: int = 240) -> str:
    """Long lines (a batch's 100 ids) cut short: the plan's shape is what matters."""
    return "\n".join(line if len(line) <= width else line[:width] + " …"
                     for line in text.splitlines())
