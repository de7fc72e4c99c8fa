"""Totals and company figures of any periods, read from the rollup's months, days and
quarter-hour slots (`db/analytics/rollup_periods.py`) with the orders read only at the ends
shorter than a slot, equal sums computed independently, on SQLite and PostgreSQL: with the
deltas pending, after a fold and after a rebuild, for periods that start and end at any
minute (a local day at UTC+5:30 or +5:45, as the console's charts read them) or a
microsecond either side of one; and the orders counted by status."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from social_scale_adapters.db.analytics.rollup import fold, rebuild
from social_scale_adapters.db.analytics.rollup_tables import analytics_rollup
from social_scale_adapters.db.engine import make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.analytics.model import Figures, OrderScope, Period
from social_scale_core.analytics.series import totals_per_period
from social_scale_core.money import round_cents
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from tests.analytics_data import BASE, TARGETS, Data, Expected, Oracle, dataset, store, wipe

TICK = timedelta(microseconds=1)


@st.composite
def spread(draw: st.DrawFn) -> Data:
    """The generated book with its orders at any minute and second of their day."""
    data = draw(dataset())
    for o in data.orders:
        o.created_at += timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)),
                                  seconds=draw(st.sampled_from((0, 0, 1, 59))))
    return data


_edge = st.builds(lambda d, m, us: BASE + timedelta(days=d, minutes=m, microseconds=us),
                  st.integers(-1, 152), st.integers(0, 24 * 60 - 1), st.sampled_from((0, -1, 1)))
_period = st.tuples(st.none() | _edge, st.none() | _edge).map(
    lambda p: Period(*p) if None in p else Period(min(p), max(p)))
_local_day = st.builds(  # a calendar day in Asia/Kolkata or Asia/Kathmandu, in UTC
    lambda d, offset: Period(BASE + timedelta(days=d) - offset,
                             BASE + timedelta(days=d + 1) - offset - TICK),
    st.integers(0, 151), st.sampled_from((timedelta(hours=5, minutes=30),
                                          timedelta(hours=5, minutes=45))))
periods = st.lists(_period | _local_day, min_size=1, max_size=6)


def expected(f: Figures) -> Expected:
    return f.orders, f.quantity, {m.currency: (m.real_cost, m.revenue, round_cents(m.profit),
                                               m.margin) for m in f.money}


def oracle(data: Data, period: Period, keep: object = None) -> Expected:
    found = Oracle(data, period.start, period.end).by(
        lambda o: "all" if keep is None or keep(o) else "other")  # type: ignore[operator]
    return found.get("all", (0, 0, {}))


def rollup_rows(conn: Connection) -> list[Any]:
    return [tuple(row) for row in conn.execute(
        select(analytics_rollup).order_by(*analytics_rollup.primary_key.columns))]


def check(engine: Engine, data: Data, chosen: list[Period]) -> None:
    sessions = make_session_factory(engine)
    want = [oracle(data, p) for p in chosen]
    got = totals_per_period(lambda: SqlUnitOfWork(sessions), chosen)
    assert [expected(f) for f in got] == want, chosen
    with SqlUnitOfWork(sessions) as uow:
        for k, company_id in enumerate(data.companies):
            mine = [oracle(data, p, lambda o, k=k: o.company == k) for p in chosen]
            found = uow.analytics.summaries(OrderScope(company_id=company_id), chosen)
            assert [expected(f) for f in found] == mine, (company_id, chosen)
            every = uow.analytics.company_figures(chosen[0], None)
            assert expected(every.get(company_id, Figures(0, 0, ()))) == mine[0]
        assert uow.analytics.status_counts() == Counter(o.status for o in data.orders)
        # Ranked in Python where ends are read from the orders, else by the database.
        for period in (chosen[0], Period(chosen[0].start, None)):
            inr = {cid: m[1] - m[0] for k, cid in enumerate(data.companies)
                   if (m := oracle(data, period, lambda o, k=k: o.company == k)[2].get("INR"))}
            ranked = sorted(inr, key=lambda cid: (inr[cid], cid), reverse=True)[:2]
            top = uow.analytics.top_companies(period, "INR", 2)
            assert [(cid, expected(f)) for cid, f in top] == [
                (cid, oracle(data, period,
                             lambda o, cid=cid: data.companies[o.company] == cid))
                for cid in ranked], period
        target = sorted(TARGETS)[0]
        found = uow.analytics.summaries(OrderScope(target_key=target), chosen)
        assert [expected(f) for f in found] == [
            oracle(data, p, lambda o: o.target == target) for p in chosen]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=spread(), chosen=periods)
def test_totals_of_any_periods_equal_the_independent_sums(
        engine: Engine, data: Data, chosen: list[Period]) -> None:
    wipe(engine)
    store(engine, data)
    check(engine, data, chosen)  # every fact still a pending delta
    with engine.begin() as conn:
        fold(conn)
        folded = rollup_rows(conn)
    check(engine, data, chosen)
    with Session(engine) as session, session.begin():
        rebuild(session)
    check(engine, data, chosen)
    with engine.begin() as conn:  # the rebuild buckets each order as its triggers did
        assert rollup_rows(conn) == folded
