"""The folder thread empties the analytics deltas into the rollup on its own, and on
PostgreSQL vacuums their table so that reading it stays cheap (autovacuum may be off)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from social_scale_adapters.db import rollup_folder
from social_scale_adapters.db.rollup_folder import RollupFolder
from social_scale_adapters.db.rollup_tables import analytics_deltas, analytics_rollup
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
    folder = RollupFolder(engine, every=0.05).start()
    try:
        deadline = time.monotonic() + 20
        while _count(engine, analytics_deltas) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _count(engine, analytics_deltas) == 0
        assert _count(engine, analytics_rollup) > 0
        if engine.dialect.name == "postgresql":
            while time.monotonic() < deadline:  # the vacuum follows the fold
                with engine.connect() as conn:
                    size = conn.execute(text(
                        "SELECT pg_relation_size('analytics_deltas')")).scalar_one()
                if size == 0:
                    break
                time.sleep(0.05)
            assert size == 0  # the dead rows' pages are gone, not just marked free
    finally:
        folder.stop()
