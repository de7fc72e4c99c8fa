"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 5, echo: bool = False) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and writer-serialising transactions."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        if engine.url.database not in (None, "", ":memory:"):
            create_private_file(Path(str(engine.url.database)))
        _tune_sqlite(engine)
        return engine
    # JIT compiling costs tens of milliseconds on queries whose row estimates are high but
    # which read little (the analytics rollup): more than it ever saves here.
    # No pre-ping: it cost a round trip per checkout (issue 17). A connection found dead
    # fails its first statement instead; SQLAlchemy then drops every pooled connection
    # opened before it, the unit of work says StorageUnavailable, and reads run again
    # on a fresh connection (`read_retrying`, up to three times).
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size,
        connect_args={"options": "-c jit=off"},
    )


def make_read_engine(engine: Engine) -> Engine:
    """The engine of units that only read: on PostgreSQL the same pool in autocommit, so a
    read costs its statements and no BEGIN / ROLLBACK round trips. Under READ COMMITTED,
    PostgreSQL's default kept here, each statement has its own snapshot inside a
    transaction too: the answers are the same. SQLite keeps its transactions."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def vacuum(engine: Engine, table: str) -> None:
    """PostgreSQL: reclaim a queue table's deleted rows now, in autocommit as VACUUM needs,
    so that reading the (nearly empty) table never wades through them, even where
    autovacuum is off or lags. A vacuum of the table already running is left to finish
    (SKIP_LOCKED). SQLite: nothing."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM (SKIP_LOCKED) {table}")


def create_private_file(path: Path) -> None:
    """Create the SQLite file as 0600 before SQLite opens it (SQLite would create it
    world-readable under the usual umask; its -wal and -shm files take the database
    file's mode). An existing file is left as it is; a missing folder too (the commands
    create the data folder, 0700), so that a wrong path still fails as it did."""
    if not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: concurrent writers wait (busy_timeout)
        # instead of failing with "database is locked" on a read-to-write upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def ping(engine: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True
