"""The stats come from a rollup that triggers keep current (`db/rollup*.py`): after any
sequence of changes to orders and invoices, folded or not, every figure still equals the
independent sums, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from social_scale_adapters.db.analytics.rollup import fold, rebuild
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas
from social_scale_adapters.db.invoices.invoice_tables import invoices
from social_scale_adapters.db.orders.order_table import orders
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from tests.analytics_data import BASE, STATUSES, Data, Note, Ord, dataset, store, wipe
from tests.http.test_analytics_figures import check_all, periods


@dataclass
class Change:
    kind: str  # status | void | unvoid | total | credit | moved
    pick: int
    status: str
    amount: Decimal
    days: int
    fold_after: bool


changes = st.lists(st.builds(
    Change, kind=st.sampled_from(("status", "void", "unvoid", "total", "credit", "moved")),
    pick=st.integers(0, 100), status=st.sampled_from(STATUSES),
    amount=st.integers(0, 10**7).map(lambda n: Decimal(n).scaleb(-2)),
    days=st.integers(0, 150), fold_after=st.booleans(),
), max_size=12)


def apply(engine: Engine, data: Data, change: Change) -> None:
    """The change on the generated book and, the way the app would, in the database."""
    if not data.orders:
        return
    o: Ord = data.orders[change.pick % len(data.orders)]
    with engine.begin() as conn:
        if change.kind == "status":
            o.status = change.status
            o.charge = change.amount if change.status in ("completed", "partial") else None
            conn.execute(update(orders).where(orders.c.id == o.id)
                         .values(status=o.status, charge=o.charge))
        elif change.kind == "moved":
            o.created_at = BASE + timedelta(days=change.days, seconds=7)
            conn.execute(update(orders).where(orders.c.id == o.id)
                         .values(created_at=o.created_at))
        elif o.bill is not None and change.kind in ("void", "unvoid", "total"):
            if change.kind == "total":
                o.bill.total = change.amount
            else:
                o.bill.status = "void" if change.kind == "void" else "sent"
            conn.execute(update(invoices).where(invoices.c.id == o.bill.id)
                         .values(status=o.bill.status, total=o.bill.total))
        elif o.bill is not None and change.kind == "credit":
            note = Note(f"{o.bill.id}-x{len(o.bill.notes)}", o.bill.currency, -change.amount)
            o.bill.notes.append(note)
            conn.execute(insert(invoices).values(
                id=note.id, kind="credit_note", number=note.id, credited_invoice_id=o.bill.id,
                company_id=data.companies[o.company], status="issued", currency=note.currency,
                subtotal=note.total, total=note.total, tax_total=Decimal(0), tax_mode="off",
                tax_inclusive=False, seller_name="Agency", buyer_name="Client",
                issued_at=o.created_at, updated_at=o.created_at))
        if change.fold_after:
            fold(conn)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=dataset(), steps=changes, period=periods)
def test_figures_stay_exact_through_changes_and_folds(
    engine: Engine, admin_get: Callable[[str], Any], data: Data,
    steps: list[Change], period: tuple[datetime | None, datetime | None],
) -> None:
    wipe(engine)
    store(engine, data)
    for change in steps:
        apply(engine, data, change)
    check_all(admin_get, data, *period)  # rollup + whatever deltas are pending
    with engine.begin() as conn:
        fold(conn)
        assert conn.execute(select(func.count()).select_from(analytics_deltas)).scalar() == 0
    check_all(admin_get, data, *period)
    with Session(engine) as session, session.begin():
        rebuild(session)
    check_all(admin_get, data, *period)


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=dataset().filter(lambda d: bool(d.orders)))
def test_analytics_rebuild_command_restores_a_damaged_rollup(
    engine: Engine, db_url: str, admin_get: Callable[[str], Any],
    monkeypatch: pytest.MonkeyPatch, data: Data,
) -> None:
    from social_scale_adapters.db.analytics.rollup_tables import analytics_rollup
    from social_scale_app import cli

    wipe(engine)
    store(engine, data)
    with engine.begin() as conn:  # what a bulk load with the triggers off leaves
        fold(conn)
        conn.execute(analytics_rollup.delete())
    assert admin_get("/api/v1/analytics/stats")["totals"]["orders"] == 0
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("APP_ENV", "test")
    assert cli.main(["analytics-rebuild"]) == 0
    check_all(admin_get, data, None, None)
