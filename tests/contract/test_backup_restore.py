"""`backup` then `restore` gives back every row, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from social_scale_adapters.db.backup import BackupError, backup, restore
from social_scale_adapters.db.engine import make_engine
from social_scale_adapters.db.heartbeats import Beat, record_beat
from social_scale_adapters.db.migrate import upgrade
from social_scale_adapters.db.tables import metadata
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def private_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    server = request.getfixturevalue("pg_url")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"ss_backup_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr)
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def test_backup_and_restore_keep_every_row(private_url: str, tmp_path: Path) -> None:
    engine = make_engine(private_url)
    upgrade(engine)
    at = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    for k in range(3):
        record_beat(engine, Beat(runner=f"host/{k}", mode="worker", started_at=at,
                                 beat_at=at, last_ok_at=None, last_error="é\nx", rounds=k))
    engine.dispose()
    before = _rows(private_url)
    assert len(before["background_runs"]) == 3
    backup(private_url, tmp_path / "copy.bak")
    engine = make_engine(private_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM background_runs"))
    engine.dispose()
    restore(private_url, tmp_path / "copy.bak")
    assert _rows(private_url) == before


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not a Social Scale SQLite backup"):
        restore(f"sqlite:///{tmp_path / 'x.db'}", junk)
    with pytest.raises(BackupError, match="no backup at"):
        restore(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "missing")


def test_a_missing_pg_dump_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump is not installed"):
        backup("postgresql://u@127.0.0.1/db", tmp_path / "x.dump")
