"""Developer tasks: `nox -s serve`, `nox -s lint`, `nox -s tests` (benchmarks come later)."""

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
