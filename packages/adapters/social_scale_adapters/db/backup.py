"""Backups of the database: SQLite's online backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from social_scale_adapters.db.engine import normalise_url


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why, in one line."""


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump and pg_restore take it (no driver suffix), the password moved
    to PGPASSWORD so that it never shows in the process list."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (it ships with the PostgreSQL client: "
                          f"apt-get install postgresql-client, same major version as the "
                          f"server)")
    return path


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # consistent even while the service writes
    finally:
        dst.close()
        src.close()


def backup(url: str, to: Path) -> None:
    """Write a consistent copy of the database at `url` to `to` (SQLite: a database file;
    PostgreSQL: a pg_dump archive in custom format)."""
    to.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_file(url)
    if source is not None:
        if not source.exists():
            raise BackupError(f"there is no database at {source}")
        _copy_sqlite(source, to)
        return
    dbname, env = _libpq(url)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={to}",
          f"--dbname={dbname}"], "pg_dump", env)


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup `source` (made by `backup`). Stop the
    service and the worker first."""
    if not source.exists():
        raise BackupError(f"there is no backup at {source}")
    target = _sqlite_file(url)
    if target is not None:
        _check_sqlite_backup(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(source, target)
        return
    dbname, env = _libpq(url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", f"--dbname={dbname}", str(source)], "pg_restore", env)


def _check_sqlite_backup(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a Social Scale SQLite backup ({exc})") from exc


def _run(cmd: list[str], name: str, env: dict[str, str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False,  # noqa: S603
                          env=env)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{name} failed: {detail[-1] if detail else done.returncode}")
