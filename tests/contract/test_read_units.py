"""Read units and lost connections: reads run without a transaction on PostgreSQL, a broken
connection is StorageUnavailable, and only a read is run once more (on a fresh one)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from social_scale_adapters.db.engine import make_engine, make_read_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.errors import StorageUnavailable
from social_scale_core.ports.uow import read_retrying
from sqlalchemy import Engine, text


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _backend_pid(uow: SqlUnitOfWork) -> int:
    return int(uow.session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(url: str, pid: int) -> None:
    """Terminate backend `pid` from a connection of its own (not the engine's pool)."""
    killer = make_engine(url)
    try:
        with killer.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    finally:
        killer.dispose()
    time.sleep(0.1)  # the backend is gone before the next statement reaches it


def test_a_read_unit_sees_committed_rows_only(engine: Engine) -> None:
    reads = make_session_factory(make_read_engine(engine))
    units = make_session_factory(engine)
    insert = text("INSERT INTO rate_limit_buckets (key, window_start, hits) "
                  "VALUES (:k, CURRENT_TIMESTAMP, 3)")
    with SqlUnitOfWork(units) as uow:
        uow.session.execute(insert, {"k": "kept"})
        uow.commit()
    with SqlUnitOfWork(units) as uow:
        uow.session.execute(insert, {"k": "dropped"})  # never committed
    with SqlUnitOfWork(reads) as read:
        keys = read.session.execute(text("SELECT key FROM rate_limit_buckets")).scalars()
        assert list(keys) == ["kept"]


@pytest.mark.postgres
def test_a_read_unit_on_postgresql_opens_no_transaction(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with SqlUnitOfWork(make_session_factory(make_read_engine(engine))) as read:
            first = read.session.execute(text("SELECT now()")).scalar()
            time.sleep(0.01)
            # now() is the start of the transaction: each statement is its own here.
            assert read.session.execute(text("SELECT now()")).scalar() != first
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            first = uow.session.execute(text("SELECT now()")).scalar()
            time.sleep(0.01)
            assert uow.session.execute(text("SELECT now()")).scalar() == first
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_read_runs_once_more_on_a_fresh_connection_when_its_backend_dies(
        pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1)
    try:
        units = make_session_factory(make_read_engine(engine))
        with SqlUnitOfWork(units) as warm:
            pid = _backend_pid(warm)  # the pooled connection the next read will get
        _kill(pg_url, pid)
        tries: list[int] = []

        def read(uow: SqlUnitOfWork) -> int:
            tries.append(1)
            return _backend_pid(uow)

        assert read_retrying(lambda: SqlUnitOfWork(units), read) != pid
        assert len(tries) == 2
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_write_on_a_dead_connection_is_unavailable_and_not_repeated(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1)
    try:
        units = make_session_factory(engine)
        with SqlUnitOfWork(units) as warm:
            pid = _backend_pid(warm)
        _kill(pg_url, pid)
        with pytest.raises(StorageUnavailable), SqlUnitOfWork(units) as uow:
            uow.session.execute(text("INSERT INTO rate_limit_buckets (key, window_start, hits) "
                                     "VALUES ('w', CURRENT_TIMESTAMP, 1)"))
            uow.commit()
        with SqlUnitOfWork(units) as uow:  # the pool replaced the dead connection
            count = text("SELECT count(*) FROM rate_limit_buckets")
            assert uow.session.execute(count).scalar() == 0
    finally:
        engine.dispose()
