"""Developer tasks: `nox -s serve|lint|tests`, `nox -s fuzz` (full fuzzing), `nox -s soak`."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def serve(session: nox.Session) -> None:
    """Run the service on the embedded default (SQLite + sandbox)."""
    session.install("-e", ".")
    session.run("social-scale", "serve", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Architecture contracts, ruff and mypy."""
    session.install("-e", ".[test]")
    session.run("lint-imports")
    session.run("ruff", "check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The pytest suite (PostgreSQL tests need TEST_DATABASE_URL or a local server)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs, env={"PYTHONDONTWRITEBYTECODE": "1"})


@nox.session
def fuzz(session: nox.Session) -> None:
    """The full fuzzing run from the OpenAPI document: at least 5,000 generated requests
    against gunicorn + PostgreSQL, zero 5xx (figures in bench-results/fuzz.json)."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/e2e/test_fuzz.py", "-q", *session.posargs, env={
        "FUZZ_EXAMPLES": "100", "FUZZ_MIN_REQUESTS": "5000",
        "FUZZ_REPORT": "bench-results/fuzz.json", "PYTHONDONTWRITEBYTECODE": "1"})


@nox.session
def soak(session: nox.Session) -> None:
    """Mixed traffic for SOAK_MINUTES (default 10) against gunicorn + PostgreSQL + the
    simulator with faults on; RSS growth and every order accounted for (bench-results/soak.json).
    A short proof: `SOAK_MINUTES=1 nox -s soak`."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "tests.soak", *session.posargs, env={
        "SOAK_REPORT": "bench-results/soak.json", "PYTHONDONTWRITEBYTECODE": "1"})


@nox.session
def bench(session: nox.Session) -> None:
    """Issue 6's performance targets on PostgreSQL with the simulator, in one run; writes
    BENCHMARKS.md. Needs a local PostgreSQL (BENCH_DATABASE_URL) and `wrk`. Not part of
    the default sessions. Options after `--`: see `python -m benchmarks.run --help`."""
    import shutil

    if shutil.which("wrk") is None:
        session.error("wrk is missing: apt-get install wrk")
    session.install("-e", ".")
    session.run("python", "-m", "benchmarks.run", *session.posargs)
