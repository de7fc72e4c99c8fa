"""Figures as an Indian reader expects them: ₹1,23,45,678.50 (lakh and crore grouping)."""

from __future__ import annotations

from decimal import Decimal

from social_scale_core.money import money_str

SYMBOLS = {"INR": "₹"}


def indian_grouping(digits: str) -> str:
    """12345678 -> 1,23,45,678 (lakh and crore groups)."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = [head[max(0, i - 2):i] for i in range(len(head), 0, -2)][::-1]
    return ",".join([*pairs, tail])


def format_money(amount: Decimal, currency: str, places: int = 2) -> str:
    """₹1,23,456.70 for rupees, `USD 1,234.50` otherwise; a leading '-' when negative."""
    text = money_str(abs(amount), places)
    whole, _, fraction = text.partition(".")
    grouped = indian_grouping(whole) if currency == "INR" else f"{int(whole):,}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency)
    body = f"{grouped}.{fraction}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{currency} {body}"
