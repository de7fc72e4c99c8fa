"""The Money column keeps amounts exact on SQLite and PostgreSQL, also through SQL sums."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from social_scale_adapters.db.types import Money, money_sum
from sqlalchemy import Column, Integer, MetaData, Table, delete, insert, select

_meta = MetaData()
ledger = Table("money_probe", _meta, Column("id", Integer, primary_key=True),
               Column("amount", Money(), nullable=False))

amounts = st.decimals(min_value=Decimal("-99999999.99999999"),
                      max_value=Decimal("99999999.99999999"), places=8,
                      allow_nan=False, allow_infinity=False)


@pytest.fixture
def probe(engine):  # type: ignore[no-untyped-def]
    _meta.create_all(engine)
    yield engine
    _meta.drop_all(engine)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(amounts, min_size=1, max_size=30))
def test_sum_in_sql_is_exact(probe, values: list[Decimal]) -> None:  # type: ignore[no-untyped-def]
    with probe.begin() as conn:
        conn.execute(delete(ledger))
        conn.execute(insert(ledger), [{"amount": v} for v in values])
        stored = conn.execute(select(ledger.c.amount).order_by(ledger.c.id)).scalars().all()
        total = conn.execute(select(money_sum(ledger.c.amount))).scalar_one()
    assert stored == values
    assert total == sum(values, Decimal(0))
    assert isinstance(total, Decimal)


def test_classic_float_trap_stays_exact(probe) -> None:  # type: ignore[no-untyped-def]
    with probe.begin() as conn:
        conn.execute(insert(ledger), [{"amount": Decimal("0.1")}] * 10
                     + [{"amount": Decimal("0.27819")}, {"amount": Decimal("9.9980")}])
        total = conn.execute(select(money_sum(ledger.c.amount))).scalar_one()
    assert total == Decimal("11.27619")


def test_sum_of_no_rows_is_zero(probe) -> None:  # type: ignore[no-untyped-def]
    with probe.connect() as conn:
        assert conn.execute(select(money_sum(ledger.c.amount))).scalar_one() == Decimal(0)


def test_more_than_eight_places_is_refused_not_rounded(probe) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="decimal places"), probe.begin() as conn:
        conn.execute(insert(ledger), [{"amount": Decimal("0.123456789")}])


def test_float_is_refused(probe) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="Money takes Decimal"), probe.begin() as conn:
        conn.execute(insert(ledger), [{"amount": 0.1}])
