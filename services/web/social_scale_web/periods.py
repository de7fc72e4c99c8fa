"""Calendar periods in the invoices' time zone, as UTC bounds for the reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from social_scale_core.analytics.model import Period


def _utc(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def day_start(now: datetime, zone: tzinfo) -> datetime:
    return _utc(now.astimezone(zone).date(), zone)


def month_start(now: datetime, zone: tzinfo, back: int = 0) -> datetime:
    local = now.astimezone(zone).date().replace(day=1)
    year, month = divmod(local.year * 12 + local.month - 1 - back, 12)
    return _utc(date(year, month + 1, 1), zone)


def month(now: datetime, zone: tzinfo, back: int = 0) -> Period:
    """The calendar month `back` months before this one; this month ends now."""
    start = month_start(now, zone, back)
    end = now if back == 0 else month_start(now, zone, back - 1) - timedelta(microseconds=1)
    return Period(start, end)


def days(now: datetime, zone: tzinfo, count: int) -> list[tuple[str, Period]]:
    """The last `count` days (today last), labelled "02 Dec"."""
    today = now.astimezone(zone).date()
    result = []
    for back in range(count - 1, -1, -1):
        day = today - timedelta(days=back)
        start = _utc(day, zone)
        result.append((day.strftime("%d %b"),
                       Period(start, _utc(day + timedelta(days=1), zone)
                              - timedelta(microseconds=1))))
    return result


def months(now: datetime, zone: tzinfo, count: int) -> list[tuple[str, Period]]:
    """The last `count` calendar months (this one last), labelled "Dec 26"."""
    result = []
    for back in range(count - 1, -1, -1):
        period = month(now, zone, back)
        assert period.start is not None
        result.append((period.start.astimezone(zone).strftime("%b %y"), period))
    return result
