"""Cutting a period into what the rollup holds whole (months, then days, then quarter-hour
slots) and the partial ends left over, which are read from the orders themselves.

Every figure can be read by month and day. The totals and the companies' figures can
also be read by slot (`rollup_tables`): their plans cut a partial day into whole slots
and at most two ends shorter than a slot, so that any period in any time zone (all keep
UTC offsets in quarter-hours) reads a few dozen orders at most.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from attrs import frozen
from social_scale_core.analytics.model import Period
from sqlalchemy import ColumnElement, and_, or_

from social_scale_adapters.db.orders.order_table import orders

DAY = timedelta(days=1)
SLOT = timedelta(minutes=15)
TICK = timedelta(microseconds=1)
SLOT_FORMAT = "%Y-%m-%d %H:%M"  # a slot's bucket, and the deltas' `slot`
Span = tuple[datetime | None, datetime | None]  # first and last bucket start; None: open


@frozen
class Plan:
    whole_days: Span | None  # every whole day of the period (deltas are read over these)
    months: Span | None  # whole months among them: grain 'month'
    days: tuple[Span, ...]  # the other whole days: grain 'day'
    partial: tuple[Period, ...]  # read from the orders
    slots: tuple[Span, ...] = ()  # whole slots of the partial days (fine plans only)


def _day_start(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _slot_start(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def _month_start(at: datetime) -> datetime:
    return _day_start(at).replace(day=1)


def _next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def _prev_month(start: datetime) -> datetime:
    return (start - DAY).replace(day=1)


def _slots(part: Period) -> tuple[Span | None, list[Period]]:
    """A bounded partial day cut into its whole slots and its ends shorter than a slot."""
    assert part.start is not None and part.end is not None
    first = _slot_start(part.start)
    if first != part.start:
        first += SLOT
    last = _slot_start(part.end + TICK) - SLOT  # last whole slot
    if first > last:
        return None, [part]
    ends = [Period(part.start, first - TICK)] if part.start < first else []
    if last + SLOT <= part.end:
        ends.append(Period(last + SLOT, part.end))
    return (first, last), ends


def plan(period: Period, *, fine: bool = False) -> Plan:
    """The period's months, days and partial days; with `fine`, its partial days go on
    to whole slots and ends shorter than a slot."""
    coarse = _plan(period)
    if not fine:
        return coarse
    slots: list[Span] = []
    partial: list[Period] = []
    for part in coarse.partial:
        span, ends = _slots(part)
        slots += [span] if span is not None else []
        partial += ends
    return Plan(coarse.whole_days, coarse.months, coarse.days, tuple(partial), tuple(slots))


def _plan(period: Period) -> Plan:
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


Range = tuple[str, str]  # [lo, hi) over bucket strings; '' and '~' stand for open ends
OPEN_LO, OPEN_HI = "", "~"


def _range(span: Span, fmt: str, after: Callable[[datetime], datetime]) -> Range:
    first, last = span
    return (OPEN_LO if first is None else f"{first:{fmt}}",
            OPEN_HI if last is None else f"{after(last):{fmt}}")


def bucket_ranges(p: Plan) -> tuple[list[tuple[str, Range]], list[Range]]:
    """The plan's rollup buckets as (grain, [lo, hi)) string ranges, and the ranges of the
    deltas' slots over its whole days and slots."""
    rollup = [("month", _range(p.months, "%Y-%m", _next_month))] if p.months else []
    rollup += [("day", _range(span, "%Y-%m-%d", lambda d: d + DAY)) for span in p.days]
    rollup += [("slot", _range(span, SLOT_FORMAT, lambda s: s + SLOT)) for span in p.slots]
    deltas = [_range(p.whole_days, "%Y-%m-%d", lambda d: d + DAY)] if p.whole_days else []
    deltas += [_range(span, SLOT_FORMAT, lambda s: s + SLOT) for span in p.slots]
    return rollup, deltas


def in_span(column: ColumnElement[str], span: Span, fmt: str) -> list[ColumnElement[bool]]:
    """Buckets (strings in `fmt`) within the span."""
    first, last = span
    return [c for c in ((column >= f"{first:{fmt}}") if first else None,
                        (column <= f"{last:{fmt}}") if last else None) if c is not None]


def in_days(column: ColumnElement[str], span: Span) -> list[ColumnElement[bool]]:
    """Slots (strings in SLOT_FORMAT) within the span's whole days."""
    first, last = span
    return [c for c in ((column >= f"{first:%Y-%m-%d}") if first else None,
                        (column < f"{last + DAY:%Y-%m-%d}") if last else None) if c is not None]


def partial_filter(parts: tuple[Period, ...]) -> ColumnElement[bool] | None:
    c = orders.c
    ranges = [and_(*(b for b in ((c.created_at >= p.start) if p.start else None,
                                 (c.created_at <= p.end) if p.end else None) if b is not None))
              for p in parts]
    return or_(*ranges) if ranges else None
