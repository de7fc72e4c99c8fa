"""A run of consecutive periods' totals read in one pass (the console's 30-day chart) equal
each period's own summary, on SQLite and PostgreSQL, for the whole book and for a target;
overlapping periods are read one by one and still agree."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from social_scale_adapters.db.analytics.analytics_summary import consecutive
from social_scale_adapters.db.engine import make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.analytics.model import OrderScope, Period
from social_scale_core.analytics.series import totals_per_period
from sqlalchemy import Engine

from tests.analytics_data import BASE, TARGETS, Data, dataset, store, wipe

TICK = timedelta(microseconds=1)


@st.composite
def runs(draw: st.DrawFn) -> list[Period]:
    """Consecutive periods starting at a half-hour offset (as a local day does in UTC)."""
    start = BASE + timedelta(days=draw(st.integers(0, 60)), minutes=30 * draw(st.integers(0, 47)))
    periods = []
    for _ in range(draw(st.integers(2, 12))):
        end = start + timedelta(hours=draw(st.integers(1, 24 * 20)))
        periods.append(Period(start, end - TICK))
        start = end
    return periods


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=dataset(), periods=runs(), target=st.sampled_from(sorted(TARGETS)))
def test_one_pass_equals_each_period_summary(engine: Engine, data: Data,
                                            periods: list[Period], target: str) -> None:
    wipe(engine)
    store(engine, data)
    sessions = make_session_factory(engine)
    assert consecutive(periods)
    overlapping = [periods[0], Period(periods[0].start, periods[-1].end)]
    assert not consecutive(overlapping)
    for scope in (OrderScope(), OrderScope(target_key=target)):
        with SqlUnitOfWork(sessions) as uow:
            each = [uow.analytics.summary(scope, p) for p in periods]
            assert uow.analytics.summaries(scope, periods) == each
            assert uow.analytics.summaries(scope, overlapping) == [
                uow.analytics.summary(scope, p) for p in overlapping]
        assert totals_per_period(lambda: SqlUnitOfWork(sessions), periods, scope) == each
    assert sum(f.orders for f in each) <= len(data.orders)
