"""The data version counters on SQLite and PostgreSQL: every committed write to a tracked
table raises the sum, a rolled-back one does not, and folding PostgreSQL's change log into
the counters leaves the sum as it was."""

from __future__ import annotations

from datetime import UTC, datetime

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
