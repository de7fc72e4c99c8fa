"""The console's remembered number formatting prints exactly what Babel's en_IN does,
on a first call and on a remembered one, for every pattern the console uses."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal as babel_format
from hypothesis import given
from hypothesis import strategies as st
from social_scale_web import formatting

PATTERNS = ("#,##,##0.##", "#,##,##0.00", "#,##,##0.00##", "0.00")
values = st.one_of(
    st.integers(-10**15, 10**15),
    st.decimals(min_value=-10**12, max_value=10**12, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("-0"), Decimal("0.005"), Decimal("-0.005"), Decimal("1.10"),
                     Decimal("1E+3"), Decimal("0.12500")]),
)


@given(value=values, pattern=st.sampled_from(PATTERNS), quantize=st.booleans())
def test_remembered_formatting_equals_babel(value: int | Decimal, pattern: str,
                                            quantize: bool) -> None:
    expected = babel_format(value, format=pattern, locale="en_IN",
                            decimal_quantization=quantize)
    assert formatting.format_decimal(value, pattern, quantize) == expected
    assert formatting.format_decimal(value, pattern, quantize) == expected  # remembered


def test_money_and_numbers_in_indian_grouping() -> None:
    assert formatting.money(Decimal("123456.785")) == "₹1,23,456.79"
    assert formatting.money(Decimal("-0.0125"), "USD", 4) == "-$0.0125"
    assert formatting.number(12345678) == "1,23,45,678"
