"""A period cut into whole months, whole days and partial days (and, in a fine plan,
whole quarter-hour slots and ends shorter than one) covers every instant of the period
exactly once and nothing outside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from social_scale_adapters.db.analytics.rollup_periods import DAY, SLOT, TICK, Plan, plan
from social_scale_core.analytics.model import Period

START = datetime(2025, 11, 1, tzinfo=UTC)
moments = st.integers(0, 500 * 24 * 60).map(lambda m: START + timedelta(minutes=m)) | \
    st.integers(0, 500).map(lambda d: START + timedelta(days=d)) | \
    st.integers(0, 500).map(lambda d: START + timedelta(days=d) - TICK)
bounds = st.none() | moments


def _in(span: tuple[datetime | None, datetime | None], bucket: datetime) -> bool:
    first, last = span
    return (first is None or first <= bucket) and (last is None or bucket <= last)


def covered(p: Plan, t: datetime) -> int:
    """How many parts of the plan hold instant t."""
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    n = 0
    if p.months is not None and _in(p.months, month):
        n += 1
    n += sum(1 for span in p.days if _in(span, day))
    slot = t.replace(minute=t.minute - t.minute % 15, second=0, microsecond=0)
    n += sum(1 for span in p.slots if _in(span, slot))
    n += sum(1 for part in p.partial
             if (part.start is None or part.start <= t) and (part.end is None or t <= part.end))
    if n and p.whole_days is not None and _in(p.whole_days, day):
        assert not any((part.start is None or part.start <= t) and
                       (part.end is None or t <= part.end) for part in p.partial)
    return n


@given(start=bounds, end=bounds, probes=st.lists(moments, max_size=30), fine=st.booleans())
def test_every_instant_is_read_once(start: datetime | None, end: datetime | None,
                                    probes: list[datetime], fine: bool) -> None:
    if start is not None and end is not None and start > end:
        start, end = end, start
    p = plan(Period(start, end), fine=fine)
    if fine:
        assert all(part.end - part.start < SLOT for part in p.partial
                   if part.start is not None and part.end is not None), p
    else:
        assert p.slots == ()
    edges = [b + d for b in (start, end) if b is not None for d in (-TICK, 0 * TICK, TICK)]
    days = [b.replace(hour=0, minute=0, second=0, microsecond=0) + k * DAY
            for b in (start, end) if b is not None for k in (-1, 0, 1, 2)]
    slots = [b.replace(minute=b.minute - b.minute % 15, second=0, microsecond=0) + k * SLOT + d
             for b in (start, end) if b is not None
             for k in (-1, 0, 1, 2) for d in (-TICK, 0 * TICK)]
    for t in [*probes, *edges, *days, *slots]:
        inside = (start is None or start <= t) and (end is None or t <= end)
        assert covered(p, t) == (1 if inside else 0), (t, p)


def test_a_whole_year_is_read_by_month_only() -> None:
    p = plan(Period(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC) - TICK))
    assert p.months == (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert p.days == () and p.partial == ()


def test_a_local_day_reads_one_run_of_slots_and_no_orders() -> None:
    start = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 2 March in Asia/Kolkata
    p = plan(Period(start, start + DAY - TICK), fine=True)
    assert p.partial == () and p.months is None and p.days == ()
    assert p.slots == ((start, start + DAY - SLOT),)


def test_a_local_month_reads_days_and_slots_at_its_ends_only() -> None:
    start = datetime(2026, 2, 28, 18, 30, tzinfo=UTC)  # March in Asia/Kolkata
    p = plan(Period(start, datetime(2026, 3, 31, 18, 30, tzinfo=UTC) - TICK), fine=True)
    assert p.partial == () and p.months is None
    assert p.days == ((datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)),)
    assert p.slots == ((start, datetime(2026, 2, 28, 23, 45, tzinfo=UTC)),
                       (datetime(2026, 3, 31, tzinfo=UTC),
                        datetime(2026, 3, 31, 18, 15, tzinfo=UTC)))
