"""Provider record and integration log storage, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from social_scale_adapters.db.panel.integration_logs import integration_logs
from social_scale_core.clock import FrozenClock
from social_scale_core.panel.integration_log import (
    IntegrationLogEntry,
    IntegrationLogRecorder,
    LogQuery,
    list_logs,
    purge_logs,
)
from social_scale_core.panel.provider import ProviderCall
from social_scale_core.panel.provider_context import provider_call_context
from social_scale_core.panel.provider_record import ensure_provider
from social_scale_core.panel.records import FAMPAGE, ProviderConfig
from sqlalchemy import Engine, select

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
KEY = "k3y-0f-the-panel-5ecret"
LIVE = ProviderConfig(base_url="https://fampage.in/api/v2", currency="INR", is_sandbox=False)


def entry(n: int, *, action: str = "balance", success: bool = True,
          company: str | None = None, at: datetime = T0) -> IntegrationLogEntry:
    return IntegrationLogEntry(
        id=f"00000000-0000-0000-0000-{n:012d}", action=action, request={"action": action},
        response='{"balance": "1.0000"}', status_code=200, duration_ms=12 + n,
        success=success, error=None if success else "boom", company_id=company,
        created_at=at + timedelta(seconds=n),
    )


def call(action: str = "services", **overrides: object) -> ProviderCall:
    values: dict[str, object] = {
        "action": action, "request": {"action": action}, "response": "[]", "status_code": 200,
        "duration_ms": 40, "success": True, "error": None, "started_at": T0,
    }
    values.update(overrides)
    return ProviderCall(**values)  # type: ignore[arg-type]


# ---- the provider record -------------------------------------------------------------

def test_ensure_provider_creates_the_row_once_and_is_idempotent(uow_factory) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(T0)
    first = ensure_provider(uow_factory, LIVE, clock)
    clock.advance(hours=1)
    assert ensure_provider(uow_factory, LIVE, clock) == first
    with uow_factory() as uow:
        row = uow.providers.get_by_name(FAMPAGE)
        assert uow.providers.get(first) == row
    assert row is not None and row.id == first
    assert (row.base_url, row.currency, row.is_sandbox) == (LIVE.base_url, "INR", False)
    assert row.created_at == T0 and row.updated_at == T0  # unchanged config: no update


def test_a_changed_configuration_updates_the_same_row(uow_factory) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(T0)
    first = ensure_provider(uow_factory, LIVE, clock)
    clock.advance(days=1)
    sandbox = ProviderConfig(base_url="http://sim.local/api/v2", currency="USD", is_sandbox=True)
    assert ensure_provider(uow_factory, sandbox, clock) == first
    with uow_factory() as uow:
        row = uow.providers.get_by_name(FAMPAGE)
    assert row is not None
    assert (row.base_url, row.currency, row.is_sandbox) == ("http://sim.local/api/v2", "USD", True)
    assert row.created_at == T0 and row.updated_at == T0 + timedelta(days=1)


def test_concurrent_ensures_leave_one_row_with_one_id(uow_factory) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(T0)
    barrier = threading.Barrier(6)
    ids: list[str] = []

    def ensure() -> None:
        barrier.wait()
        ids.append(ensure_provider(uow_factory, LIVE, clock))

    threads = [threading.Thread(target=ensure) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 6 and len(set(ids)) == 1
    with uow_factory() as uow:
        assert uow.providers.get_by_name(FAMPAGE).id == ids[0]


# ---- the integration log repository ---------------------------------------------------

def test_log_entries_round_trip_newest_first_with_filters(uow_factory) -> None:  # type: ignore[no-untyped-def]
    entries = [entry(1), entry(2, action="services", success=False, company="c1"),
               entry(3, action="services", company="c1"), entry(4, company="c2")]
    with uow_factory() as uow:
        for e in entries:
            uow.integration_logs.add(e)
        uow.commit()
    items, total = list_logs(uow_factory, LogQuery(), 50, 0)
    assert total == 4 and items == list(reversed(entries))
    items, total = list_logs(uow_factory, LogQuery(action="services"), 50, 0)
    assert total == 2 and [e.id for e in items] == [entries[2].id, entries[1].id]
    items, total = list_logs(uow_factory, LogQuery(success=False), 50, 0)
    assert total == 1 and items == [entries[1]]
    items, total = list_logs(uow_factory, LogQuery(company_id="c1", success=True), 50, 0)
    assert items == [entries[2]]
    items, total = list_logs(uow_factory, LogQuery(), 2, 1)
    assert total == 4 and items == [entries[2], entries[1]]


def test_purge_removes_only_entries_older_than_the_retention(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        uow.integration_logs.add(entry(1, at=T0 - timedelta(days=91)))
        uow.integration_logs.add(entry(2, at=T0 - timedelta(days=89)))
        uow.commit()
    assert purge_logs(uow_factory, FrozenClock(T0), timedelta(days=90)) == 1
    items, total = list_logs(uow_factory, LogQuery(), 50, 0)
    assert total == 1 and items[0].id.endswith("2")


# ---- the recorder (CallObserver) ------------------------------------------------------

def _all_cells(engine: Engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(select(integration_logs)).all()
    return repr([tuple(row) for row in rows])


def test_the_recorder_stores_each_call_with_the_company_of_its_context(
        uow_factory, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    recorder = IntegrationLogRecorder(uow_factory, FrozenClock(T0),
                                      retention=timedelta(days=90), secrets=[KEY])
    with provider_call_context("comp-7"):
        recorder.record(call("services"))
    recorder.record(call("balance", success=False, status_code=502, error="HTTP 502",
                         response="<html>Bad gateway</html>"))
    items, total = list_logs(uow_factory, LogQuery(), 50, 0)
    assert total == 2
    by_action = {e.action: e for e in items}
    assert by_action["services"].company_id == "comp-7"
    assert by_action["balance"].company_id is None
    assert by_action["balance"].status_code == 502 and not by_action["balance"].success
    assert by_action["balance"].created_at == T0


def test_the_key_never_reaches_any_column(uow_factory, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    recorder = IntegrationLogRecorder(uow_factory, FrozenClock(T0),
                                      retention=timedelta(days=90), secrets=[KEY])
    recorder.record(call(
        "balance", request={"action": "balance", "key": KEY, "link": f"x?k={KEY}"},
        response=f"<html>proxy error for key={KEY}</html>", success=False,
        error=f"rejected {KEY}",
    ))
    cells = _all_cells(engine)
    assert KEY not in cells and "[REDACTED]" in cells
    (stored,), _ = list_logs(uow_factory, LogQuery(), 50, 0)
    assert stored.request["key"] == "[REDACTED]"


def test_long_responses_are_truncated_to_the_cap(uow_factory) -> None:  # type: ignore[no-untyped-def]
    recorder = IntegrationLogRecorder(uow_factory, FrozenClock(T0), retention=timedelta(days=90),
                                      response_cap=100)
    recorder.record(call(response="x" * 5000))
    (stored,), _ = list_logs(uow_factory, LogQuery(), 50, 0)
    assert stored.response is not None
    assert stored.response.startswith("x" * 100) and "truncated 4900" in stored.response
    assert len(stored.response) < 200


def test_a_failing_store_never_breaks_the_call(engine: Engine) -> None:
    def broken_uow():  # type: ignore[no-untyped-def]
        raise RuntimeError("database is down")

    recorder = IntegrationLogRecorder(broken_uow, FrozenClock(T0), retention=timedelta(days=1))
    recorder.record(call())  # no exception


def test_old_entries_are_purged_at_most_once_per_interval(uow_factory) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(T0)
    recorder = IntegrationLogRecorder(uow_factory, clock, retention=timedelta(days=1),
                                      purge_every=timedelta(hours=1))

    def record(action: str) -> None:
        recorder.record(call(action, started_at=clock.now()))

    def actions() -> set[str]:
        return {e.action for e in list_logs(uow_factory, LogQuery(), 50, 0)[0]}

    record("a")  # t=0: the first call purges (nothing is old yet)
    clock.advance(minutes=30)
    record("b")  # t=30m
    clock.advance(days=1, minutes=-20)
    record("c")  # t=1d10m: over an hour since the last purge; "a" is past the retention
    assert actions() == {"b", "c"}
    clock.advance(minutes=30)
    record("d")  # t=1d40m: "b" is past the retention, but the last purge was 30m ago
    assert actions() == {"b", "c", "d"}
    clock.advance(minutes=30)
    record("e")  # t=1d70m: an hour since the last purge
    assert actions() == {"c", "d", "e"}
