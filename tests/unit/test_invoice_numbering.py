"""Invoice numbers: financial years, format, the 16-character rule, file names."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.errors import Conflict
from social_scale_core.invoicing.model import IST
from social_scale_core.invoicing.numbering import (
    check_prefix,
    file_name,
    fiscal_year_label,
    format_number,
    local_day,
)

GST_SERIAL = re.compile(r"^[A-Za-z0-9/-]{1,16}$")


@pytest.mark.parametrize(("day", "label"), [
    (date(2026, 4, 1), "26-27"), (date(2027, 3, 31), "26-27"), (date(2027, 4, 1), "27-28"),
    (date(2026, 1, 15), "25-26"), (date(2099, 12, 31), "99-00"),
])
def test_financial_year_runs_april_to_march(day: date, label: str) -> None:
    assert fiscal_year_label(day, 4) == label


def test_other_start_months() -> None:
    assert fiscal_year_label(date(2026, 6, 30), 7) == "25-26"
    assert fiscal_year_label(date(2026, 7, 1), 7) == "26-27"
    assert fiscal_year_label(date(2026, 12, 31), 1) == "2026"


def test_the_year_turns_at_midnight_in_india_not_in_utc() -> None:
    before = datetime(2027, 3, 31, 18, 29, tzinfo=UTC)  # 23:59 IST on 31 March
    after = datetime(2027, 3, 31, 18, 30, tzinfo=UTC)  # 00:00 IST on 1 April
    assert fiscal_year_label(local_day(before, IST), 4) == "26-27"
    assert fiscal_year_label(local_day(after, IST), 4) == "27-28"


def test_default_format() -> None:
    assert format_number("SS", "26-27", 1) == "SS/26-27/000001"
    assert format_number("CN", "26-27", 42) == "CN/26-27/000042"
    assert file_name("SS/26-27/000001") == "SS-26-27-000001.pdf"


@given(prefix=st.from_regex(r"[A-Za-z0-9-]{1,5}", fullmatch=True),
       label=st.sampled_from(["26-27", "2026"]), sequence=st.integers(1, 9999))
def test_numbers_fit_the_gst_serial_rule(prefix: str, label: str, sequence: int) -> None:
    number = format_number(prefix, label, sequence)
    assert GST_SERIAL.match(number)
    assert int(number.rsplit("/", 1)[1]) == sequence


def test_a_series_that_outgrows_16_characters_is_refused() -> None:
    assert len(format_number("SS", "26-27", 9_999_999)) == 16
    with pytest.raises(Conflict):
        format_number("SS", "26-27", 10_000_000)


@pytest.mark.parametrize("bad", ["", "SSSSSS", "S S", "S/S", "Ü"])
def test_bad_prefixes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        check_prefix(bad)
