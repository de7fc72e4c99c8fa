"""Every analytics figure equals sums computed independently over a generated data set
(hypothesis), on SQLite and PostgreSQL: partial, canceled, failed, credited, void and
multi-currency orders, with and without a period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from social_scale_core.money import round_cents
from sqlalchemy import Engine

from tests.analytics_data import (
    BASE,
    SERVICES,
    TARGETS,
    Data,
    Expected,
    Oracle,
    dataset,
    figures,
    store,
    wipe,
)


def got(fig: dict[str, Any]) -> Expected:
    """An API figures object in the oracle's shape."""
    money = {
        m["currency"]: (Decimal(m["realCost"]), Decimal(m["revenue"]), Decimal(m["profit"]),
                        None if m["margin"] is None else Decimal(m["margin"]))
        for m in fig["money"]
    }
    assert [m["currency"] for m in fig["money"]] == sorted(money)
    for m in fig["money"]:  # invoiced money to the cent; the panel's cost at its precision
        assert all(len(m[k].split(".")[1]) == 2 for k in ("revenue", "profit")), m
        assert len(m["realCost"].split(".")[1]) >= 4, m
    return fig["orders"], fig["quantity"], money


def by_key(groups: list[dict[str, Any]]) -> dict[str, Expected]:
    return {g["key"]: got(g) for g in groups}


# Whole months, whole days and partial days at either end (the stats read each its own
# way: `db/analytics/rollup_periods.py`), and open ends.
_moment = st.integers(0, 150 * 24).map(lambda h: BASE + timedelta(hours=h))
periods = st.one_of(
    st.just((None, None)),
    st.tuples(st.integers(0, 150), st.integers(0, 150)).map(
        lambda p: (BASE + timedelta(days=min(p)), BASE + timedelta(days=max(p), hours=12))),
    st.tuples(_moment, _moment).map(lambda p: (min(p), max(p))),
    st.tuples(st.none(), _moment), st.tuples(_moment, st.none()),
)


def _params(start: datetime | None, end: datetime | None) -> str:
    parts = [f"from={quote(start.isoformat())}" if start else "",
             f"to={quote(end.isoformat())}" if end else ""]
    return "&".join(p for p in parts if p)


def check_all(get: Callable[[str], Any], data: Data, start: datetime | None,
              end: datetime | None) -> None:
    oracle, q = Oracle(data, start, end), _params(start, end)
    stats = get(f"/api/v1/analytics/stats?{q}")
    assert got(stats["totals"]) == oracle.by(lambda o: "all").get("all", (0, 0, {}))
    assert by_key(stats["byStatus"]) == oracle.by(lambda o: o.status)
    assert by_key(stats["byNetwork"]) == oracle.by(lambda o: SERVICES[o.service][1])
    assert by_key(stats["byService"]) == oracle.by(lambda o: str(o.service))
    assert {g["key"]: g["label"] for g in stats["byService"]} == {
        str(o.service): SERVICES[o.service][0] for o in oracle.orders}
    assert by_key(stats["byMonth"]) == oracle.by(lambda o: o.created_at.strftime("%Y-%m"))

    page = get(f"/api/v1/analytics?limit=200&{q}")
    assert page["total"] == len(data.companies)
    per_company = oracle.by(lambda o: data.companies[o.company])
    for item in page["items"]:
        mine = [o for o in oracle.orders if data.companies[o.company] == item["companyId"]]
        assert got(item) == per_company.get(item["companyId"], (0, 0, {}))
        assert item["servicesUsed"] == len({o.service for o in mine})
        assert item["networks"] == sorted({SERVICES[o.service][1] for o in mine})

    for k, company_id in enumerate(data.companies):
        mine = [o for o in oracle.orders if o.company == k]
        body = get(f"/api/v1/analytics/company/{company_id}/history?limit=200&{q}")
        check_history(body, oracle, mine)
    for key, spellings in TARGETS.items():
        mine = [o for o in oracle.orders if o.target == key]
        body = get(f"/api/v1/analytics/target/{quote(spellings[-1], safe='')}?limit=200&{q}")
        assert body["targetKey"] == key
        check_history(body, oracle, mine)


def check_history(body: dict[str, Any], oracle: Oracle, mine: list[Any]) -> None:
    assert body["total"] == len(mine)
    assert got(body["summary"]) == (figures(mine) if mine else (0, 0, {}))
    expected = oracle.history(mine)
    assert [i["orderId"] for i in body["items"]] == [o.id for o in expected]
    for item, o in zip(body["items"], expected, strict=True):
        revenue = o.bill.revenue().get(o.bill.currency, Decimal(0)) if o.bill else Decimal(0)
        assert Decimal(item["realCost"]) == o.real_cost()
        assert Decimal(item["revenue"]) == revenue
        assert item["quantity"] == o.units
        same = o.bill is None or o.bill.currency == o.currency
        assert (Decimal(item["profit"]) if item["profit"] is not None else None) == (
            round_cents(revenue - o.real_cost()) if same else None)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=dataset(), period=periods)
def test_every_figure_matches_independent_sums(
    engine: Engine, admin_get: Callable[[str], Any], data: Data,
    period: tuple[datetime | None, datetime | None],
) -> None:
    wipe(engine)
    store(engine, data)
    check_all(admin_get, data, *period)
