"""Cutting a period into what the rollup holds whole (months, then days) and the partial
days at its ends, which are read from the orders themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from attrs import frozen
from social_scale_core.analytics.model import Period
from sqlalchemy import ColumnElement, and_, or_

from social_scale_adapters.db.orders.order_table import orders

DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
Span = tuple[datetime | None, datetime | None]  # first and last bucket start; None: open


@frozen
class Plan:
    whole_days: Span | None  # every whole day of the period (deltas are read over these)
    months: Span | None  # whole months among them: grain 'month'
    days: tuple[Span, ...]  # the other whole days: grain 'day'
    partial: tuple[Period, ...]  # read from the orders


def _day_start(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _month_start(at: datetime) -> datetime:
    return _day_start(at).replace(day=1)


def _next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def _prev_month(start: datetime) -> datetime:
    return (start - DAY).replace(day=1)


def plan(period: Period) -> Plan:
    start, end = period.start, period.end
    first = None if start is None else _day_start(start)
    if first is not None and first != start:
        first += DAY
    last = None if end is None else _day_start(end + TICK) - DAY  # last whole day
    if first is not None and last is not None and first > last:
        return Plan(None, None, (), (period,))
    partial = []
    if start is not None and first is not None and start < first:
        partial.append(Period(start, first - TICK))
    if end is not None and last is not None and last + DAY <= end:
        partial.append(Period(last + DAY, end))
    first_m = None if first is None else (
        first if first.day == 1 else _next_month(_month_start(first)))
    last_m = None if last is None else _prev_month(_month_start(last + DAY))
    if first_m is not None and last_m is not None and first_m > last_m:
        return Plan((first, last), None, ((first, last),), tuple(partial))
    days: list[Span] = []
    if first is not None and first_m is not None and first < first_m:
        days.append((first, first_m - DAY))
    if last is not None and last_m is not None and _next_month(last_m) <= last:
        days.append((_next_month(last_m), last))
    return Plan((first, last), (first_m, last_m), tuple(days), tuple(partial))


def in_span(column: ColumnElement[str], span: Span, fmt: str) -> list[ColumnElement[bool]]:
    """Buckets (strings in `fmt`) within the span."""
    first, last = span
    return [c for c in ((column >= f"{first:{fmt}}") if first else None,
                        (column <= f"{last:{fmt}}") if last else None) if c is not None]


def partial_filter(parts: tuple[Period, ...]) -> ColumnElement[bool] | None:
    c = orders.c.created_at
    ranges = [and_(*(b for b in ((c >= p.start) if p.start else None,
                                 (c <= p.end) if p.end else None) if b is not None))
              for p in parts]
    return or_(*ranges) if ranges else None
