"""Invoice numbers: `PREFIX/26-27/000001`, gapless per series and financial year, <= 16 chars."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from attrs import frozen

from social_scale_core.errors import Conflict
from social_scale_core.invoicing.model import InvoicePolicy
from social_scale_core.invoicing.ports import NumberSeries

MAX_LENGTH = 16  # India's GST rule for invoice serial numbers
MIN_DIGITS = 4
MAX_DIGITS = 6
_PREFIX = re.compile(r"^[A-Za-z0-9-]{1,5}$")
_NUMBER = re.compile(r"^[A-Za-z0-9/-]{1,16}$")


def check_prefix(prefix: str) -> str:
    """A prefix is 1-5 letters, digits or '-'; raise ValueError otherwise."""
    if not _PREFIX.match(prefix):
        raise ValueError(
            f"invoice prefix {prefix!r} must be 1-5 letters, digits or '-' "
            "(the whole number may have at most 16 characters)"
        )
    return prefix


def fiscal_year_start(day: date, start_month: int) -> int:
    """The calendar year in which the financial year containing `day` began."""
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_label(day: date, start_month: int) -> str:
    """`26-27` for April 2026 - March 2027; `2026` when the year starts in January."""
    start = fiscal_year_start(day, start_month)
    if start_month == 1:
        return str(start)
    return f"{start % 100:02d}-{(start + 1) % 100:02d}"


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The date of `moment` where the invoices are issued (the financial year follows it)."""
    return moment.astimezone(zone).date()


def _digits(prefix: str, fiscal_year: str) -> int:
    """How many digits the sequence is zero-padded to: what the 16-character limit leaves."""
    return max(MIN_DIGITS, min(MAX_DIGITS, MAX_LENGTH - len(prefix) - len(fiscal_year) - 2))


def format_number(prefix: str, fiscal_year: str, sequence: int) -> str:
    """Join the parts, zero-padding the sequence to what the 16-character limit leaves."""
    digits = _digits(prefix, fiscal_year)
    number = f"{prefix}/{fiscal_year}/{sequence:0{digits}d}"
    if len(number) > MAX_LENGTH or not _NUMBER.match(number):
        raise Conflict(f"invoice number {number!r} would exceed {MAX_LENGTH} characters")
    return number


def file_name(number: str) -> str:
    """A download-safe file name for a document number: `SS-26-27-000001.pdf`."""
    return number.replace("/", "-") + ".pdf"


@frozen
class NumberPlan:
    """How the next number of a series is written, for a store that takes it itself:
    `head` then the sequence zero-padded to `digits`, refused beyond `max_sequence`."""

    series: str
    fiscal_year: str

    @property
    def head(self) -> str:
        return f"{self.series}/{self.fiscal_year}/"

    @property
    def digits(self) -> int:
        return _digits(self.series, self.fiscal_year)

    @property
    def max_sequence(self) -> int:
        """The last sequence whose number still fits in 16 characters."""
        return int(10 ** (MAX_LENGTH - len(self.head))) - 1

    def number(self, sequence: int) -> str:
        return format_number(self.series, self.fiscal_year, sequence)


def number_plan(prefix: str, now: datetime, policy: InvoicePolicy) -> NumberPlan:
    """The plan of `prefix`'s series in the financial year of `now`."""
    year = fiscal_year_label(local_day(now, policy.timezone), policy.fy_start_month)
    plan = NumberPlan(prefix, year)
    plan.number(1)  # a head that can never fit is refused before anything is stored
    return plan


def next_number(series: NumberSeries, prefix: str, now: datetime, policy: InvoicePolicy) -> str:
    """Take the next number of `prefix`'s series in the financial year of `now`."""
    year = fiscal_year_label(local_day(now, policy.timezone), policy.fy_start_month)
    return format_number(prefix, year, series.next(prefix, year))
