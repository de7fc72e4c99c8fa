"""Column types that behave the same on SQLite and PostgreSQL.

`Money` keeps amounts as integers of 10^-8 units (BIGINT), because SQLite has no decimal
type and would turn `NUMERIC` into a float. Eight places hold every panel price exactly:
rates have up to 5 decimals and cost = rate x quantity / 1000 adds three. SUM() over the
integers is exact on both databases; wrap SQL aggregates in `money_sum()` to read them back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, func, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

MONEY_PLACES = 8
_SCALE = Decimal(10) ** MONEY_PLACES


class Money(TypeDecorator[Decimal]):
    """Exact money: Decimal in Python, BIGINT of 10^-8 units in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"Money takes Decimal or int, not {type(value).__name__}")
        scaled = Decimal(value) * _SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {MONEY_PLACES} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_stored(value)


def from_stored(value: Any) -> Decimal:
    """Money as stored (an integer of 10^-8 units, or a SUM of them) as an exact Decimal."""
    return Decimal(int(value)).scaleb(-MONEY_PLACES)


def money_sum(column: ColumnElement[Any]) -> ColumnElement[Decimal]:
    """SUM() of a Money column, read back as an exact Decimal (0 when there are no rows)."""
    return type_coerce(func.coalesce(func.sum(column), 0), Money())


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes; stored naive-UTC on SQLite, timestamptz on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
