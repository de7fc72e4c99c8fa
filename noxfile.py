"""Developer tasks: `nox -s serve|lint|tests`, `nox -s fuzz` (full fuzzing), `nox -s soak`."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True


def install(session: nox.Session) -> None:
    """As dev.py does: the exact, hash-checked versions of requirements.lock (runtime and
    test dependencies), then the project itself without resolving anything again."""
    session.install("--require-hashes", "-r", "requirements.lock")
    session.install("--no-deps", "-e", ".")


def install_runtime(session: nox.Session) -> None:
    """What production installs: the runtime lock alone (no test tools), then the project."""
    session.install("--require-hashes", "-r", "requirements-runtime.lock")
    session.install("--no-deps", "-e", ".")


@nox.session
def serve(session: nox.Session) -> None:
    """Run the service on the embedded default (SQLite + sandbox)."""
    install(session)
    session.run("social-scale", "serve", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Architecture contracts, ruff and mypy."""
    install(session)
    session.run("lint-imports")
    session.run("ruff", "check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The pytest suite (PostgreSQL tests need TEST_DATABASE_URL or a local server)."""
    install(session)
    session.run("pytest", *session.posargs, env={"PYTHONDONTWRITEBYTECODE": "1"})


@nox.session
def fuzz(session: nox.Session) -> None:
    """The full fuzzing run from the OpenAPI document: at least 5,000 generated requests
    against gunicorn + PostgreSQL, zero 5xx (figures in bench-results/fuzz.json)."""
    install(session)
    session.run("pytest", "tests/e2e/test_fuzz.py", "-q", *session.posargs, env={
        "FUZZ_EXAMPLES": "100", "FUZZ_MIN_REQUESTS": "5000",
        "FUZZ_REPORT": "bench-results/fuzz.json", "PYTHONDONTWRITEBYTECODE": "1"})


@nox.session
def soak(session: nox.Session) -> None:
    """Mixed traffic for SOAK_MINUTES (default 10) against gunicorn + PostgreSQL + the
    simulator with faults on; RSS growth and every order accounted for (bench-results/soak.json).
    A short proof: `SOAK_MINUTES=1 nox -s soak`."""
    install(session)
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
    install_runtime(session)  # the workers' memory is measured as production runs them
    session.run("python", "-m", "benchmarks.run", *session.posargs)
