"""The data version counters on SQLite and PostgreSQL: every committed write to a tracked
table raises the sum, a rolled-back one does not, and folding PostgreSQL's change log into
the counters leaves the sum as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from social_scale_adapters.db.companies import companies
from social_scale_adapters.db.data_versions import SqlDataVersions
from sqlalchemy import Engine, text

NOW = datetime(2026, 12, 2, tzinfo=UTC)
INSERT = companies.insert().values(name="Acme", created_at=NOW, updated_at=NOW)


def test_committed_writes_raise_the_version_and_folding_keeps_it(engine: Engine) -> None:
    versions = SqlDataVersions(engine, pending_fold=2)
    start = versions.current(["companies"])
    with engine.begin() as conn:
        conn.execute(INSERT.values(id="a1"))
        conn.execute(INSERT.values(id="a2"))  # one transaction: at least one step
    one = versions.current(["companies"])
    assert one > start
    with engine.connect() as conn:
        conn.execute(INSERT.values(id="a3"))
        conn.rollback()
    assert versions.current(["companies"]) == one
    assert versions.current(["orders"]) == versions.current(["orders"])
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM companies WHERE id = 'a1'"))
    two = versions.current(["companies"])  # two pending rows on PostgreSQL: folded now
    assert two > one and versions.current(["companies"]) == two
    with engine.connect() as conn:
        pending = conn.execute(text("SELECT COUNT(*) FROM data_changes")).scalar_one()
    assert pending == 0
    versions.fold()
    assert versions.current(["companies"]) == two


VACUUMS = text("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'data_changes'")


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_fold_vacuums_the_change_log_so_reads_never_wade_through_dead_rows(
        engine: Engine) -> None:
    """Where autovacuum is off (or lags) the folded rows would stay in the log's index, and
    every version read (one per tagged GET) would scan them all."""
    versions = SqlDataVersions(engine, pending_fold=3)
    with engine.connect() as conn:
        before = conn.execute(VACUUMS).scalar_one()
    for n in range(3):
        with engine.begin() as conn:
            conn.execute(INSERT.values(id=f"v{n}"))  # one change row per transaction
    current = versions.current(["companies"])  # three pending: folded, then vacuumed
    with engine.connect() as conn:
        assert conn.execute(VACUUMS).scalar_one() == before + 1
        assert conn.execute(text("SELECT COUNT(*) FROM data_changes")).scalar_one() == 0
    assert versions.current(["companies"]) == current
    versions.fold()
    with engine.connect() as conn:
        assert conn.execute(VACUUMS).scalar_one() == before + 2
