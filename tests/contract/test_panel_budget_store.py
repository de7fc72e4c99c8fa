"""The panel call budget's store on memory, SQLite and PostgreSQL: the same arithmetic as
`model.decide`, and threads or processes taking tokens at once never exceed the budget."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from social_scale_adapters.db.engine import make_engine, make_read_engine
from social_scale_adapters.db.panel.panel_budget import SqlBudgetStore
from social_scale_core.errors import ProviderUnavailable
from social_scale_core.panel_budget import BudgetRule, BudgetStore, Priority
from social_scale_core.panel_budget.model import decide

from tests.conftest import _truncate_all
from tests.fakes.panel_budget import MemoryBudgetStore
from tests.unit.test_panel_budget import most_in_a_minute

RULE = BudgetRule.for_limit(60)  # 3 tokens, one every ~1.05 s
BASE = 1_800_000_000 * 1_000_000  # an epoch time in microseconds
LIMIT = RULE.limit_us(Priority.INTERACTIVE)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """(the database's URL, None for memory; the store)."""
    if request.param == "memory":
        yield None, MemoryBudgetStore()
        return
    if request.param == "sqlite":
        path = tmp_path / "budget.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url, pool_size=10)
    # The app's store: autocommit on PostgreSQL, where the upsert is its own transaction.
    yield url, SqlBudgetStore(make_read_engine(engine))
    if request.param == "postgresql":
        _truncate_all(engine)
    engine.dispose()


def _timeline(store: BudgetStore, key: str, steps: int, step: int) -> list[int]:
    """Ask once at each step of one shared timeline; the times that were granted."""
    granted = []
    for j in range(steps):
        now = BASE + j * step
        if store.take(key, now, RULE.interval_us, LIMIT) is None:
            granted.append(now)
    return granted


def test_take_and_hold_follow_the_model(backend: tuple[str, Any]) -> None:
    _, store = backend
    tat: int | None = None
    times = [0, 0, 0, 0, 10, 500_000, 3_000_000, 3_000_001, 2_000_000, 90_000_000]
    for offset in times:
        for priority in (Priority.BACKGROUND, Priority.INTERACTIVE):
            now, limit = BASE + offset, RULE.limit_us(priority)
            expected = decide(tat, now, RULE.interval_us, limit)
            got = store.take("model", now, RULE.interval_us, limit)
            assert (got is None) == expected.granted
            if not expected.granted:
                assert got == max(1, expected.wait_us)
            tat = expected.tat
    store.hold("model", BASE + 200 * 1_000_000, RULE.interval_us, LIMIT)
    assert store.take("model", BASE + 199 * 1_000_000, RULE.interval_us, LIMIT) is not None
    assert store.take("model", BASE + 200 * 1_000_000, RULE.interval_us, LIMIT) is None
    # Buckets are per key: another panel key is untouched.
    assert store.take("other", BASE, RULE.interval_us, LIMIT) is None


def test_threads_taking_at_once_never_exceed_the_budget(backend: tuple[str, Any]) -> None:
    _, store = backend
    results: list[list[int]] = []
    lock = threading.Lock()
    steps, step = 230, RULE.interval_us // 2  # two minutes, six askers per instant

    def ask() -> None:
        granted = _timeline(store, "threads", steps, step)
        with lock:
            results.append(granted)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    granted = [t for part in results for t in part]
    assert most_in_a_minute(granted) <= RULE.calls_per_minute
    # ...and the budget is used, not refused: a full bucket plus two minutes of refill.
    assert len(granted) >= RULE.capacity + (steps - 4) * step // RULE.interval_us


def _process_timeline(url: str, out: Any) -> None:
    engine = make_engine(url)
    try:
        out.put(_timeline(SqlBudgetStore(engine), "processes", 230, RULE.interval_us // 2))
    finally:
        engine.dispose()


def test_processes_taking_at_once_never_exceed_the_budget(db_url: str) -> None:
    url = db_url
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    procs = [spawn.Process(target=_process_timeline, args=(url, out)) for _ in range(4)]
    for proc in procs:
        proc.start()
    parts = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    granted = [t for part in parts for t in part]
    assert most_in_a_minute(granted) <= RULE.calls_per_minute
    assert len(granted) >= RULE.capacity + 226 * (RULE.interval_us // 2) // RULE.interval_us


def test_an_unreachable_budget_is_provider_unavailable(tmp_path: Path) -> None:
    """No table (or no database): the call is refused as surely not sent."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    store = SqlBudgetStore(engine)
    with pytest.raises(ProviderUnavailable, match="nothing was sent"):
        store.take("k", BASE, RULE.interval_us, LIMIT)
    with pytest.raises(ProviderUnavailable):
        store.hold("k", BASE, RULE.interval_us, LIMIT)
    engine.dispose()
