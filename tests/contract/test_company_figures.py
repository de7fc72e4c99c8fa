"""Many companies' figures read at once (the console's companies list) equal each one's
own summary, on SQLite and PostgreSQL; a company with no orders gets empty figures."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from social_scale_adapters.db.engine import make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.analytics import reports
from social_scale_core.analytics.model import Figures, OrderScope, Period
from sqlalchemy import Engine

from tests.analytics_data import BASE, Data, dataset, store, wipe

PERIODS = [Period(), Period(BASE + timedelta(days=20), BASE + timedelta(days=90, hours=7))]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=dataset())
def test_company_figures_equal_each_company_summary(engine: Engine, data: Data) -> None:
    wipe(engine)
    store(engine, data)
    sessions = make_session_factory(engine)
    ids = [*data.companies, "no-such-company"]
    for period in PERIODS:
        found = reports.company_figures(lambda: SqlUnitOfWork(sessions), period, ids)
        assert list(found) == ids
        with SqlUnitOfWork(sessions) as uow:
            for cid in data.companies:
                assert found[cid] == uow.analytics.summary(OrderScope(company_id=cid), period)
        assert found["no-such-company"] == Figures(0, 0, ())
        used = {data.companies[o.company] for o in data.orders}
        assert all(found[c].orders > 0 for c in used) or period != PERIODS[0]
