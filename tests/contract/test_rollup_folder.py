"""The folder thread empties the analytics deltas into the rollup on its own, and on
PostgreSQL vacuums their table so that reading it stays cheap (autovacuum may be off)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from social_scale_adapters.db.analytics import rollup_folder
from social_scale_adapters.db.analytics.rollup_folder import RollupFolder
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup
from sqlalchemy import Engine, func, select, text

from tests.analytics_data import Data, dataset, store, wipe


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


@settings(max_examples=2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=dataset().filter(lambda d: len(d.orders) >= 3))
def test_the_folder_folds_and_vacuums_by_itself(engine: Engine, data: Data,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rollup_folder, "VACUUM_AFTER", 1)
    wipe(engine)
    store(engine, data)
    assert _count(engine, analytics_deltas) >= len(data.orders)
    vacuumed_before = 0
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            vacuumed_before = conn.execute(text(
                "SELECT vacuum_count FROM pg_stat_user_tables "
                "WHERE relname = 'analytics_deltas'")).scalar_one()
    folder = RollupFolder(engine, every=0.05).start()
    try:
        deadline = time.monotonic() + 20
        while _count(engine, analytics_deltas) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _count(engine, analytics_deltas) == 0
        assert _count(engine, analytics_rollup) > 0
        if engine.dialect.name == "postgresql":
            # The folder's own VACUUM (autovacuum is counted apart, and may be off). Its
            # effect on the table's size depends on other sessions' snapshots, so the
            # test reads PostgreSQL's count of manual vacuums instead.
            count = 0
            while time.monotonic() < deadline:
                with engine.connect() as conn:
                    count = conn.execute(text(
                        "SELECT vacuum_count FROM pg_stat_user_tables "
                        "WHERE relname = 'analytics_deltas'")).scalar_one()
                if count > vacuumed_before:
                    break
                time.sleep(0.05)
            assert count > vacuumed_before
    finally:
        folder.stop()
