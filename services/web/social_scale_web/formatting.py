"""How the console writes money, numbers and times: Indian grouping (Babel `en_IN`) and the
invoices' time zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern

# Parsed once: Babel's format_decimal parses the locale and the pattern on every call,
# which was most of the time of a page with a thousand figures (the services page).
LOCALE = Locale.parse("en_IN")
CENT = Decimal("0.01")
_PLACES = {2: "#,##,##0.00", 4: "#,##,##0.00##"}


@cache
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


@cache
def _symbol(currency: str) -> str:
    return str(get_currency_symbol(currency))


def format_decimal(value: int | Decimal, format: str, decimal_quantization: bool = True
                   ) -> str:
    """Babel's format_decimal (en_IN) with the parsed pattern, remembered: a page shows the
    same rates and limits again and again (the services page: 5,000 figures)."""
    if type(value) in (int, Decimal):
        return _formatted(type(value) is int, str(value), format, decimal_quantization)
    return _apply(value, format, decimal_quantization)


@lru_cache(maxsize=8192)
def _formatted(whole: bool, text: str, format: str, decimal_quantization: bool) -> str:
    # Keyed by the text: Decimal("-0") and Decimal("0") are equal but print differently.
    return _apply(int(text) if whole else Decimal(text), format, decimal_quantization)


def _apply(value: int | Decimal, format: str, decimal_quantization: bool) -> str:
    return str(_pattern(format).apply(value, LOCALE, decimal_quantization=decimal_quantization))


def number(value: int | Decimal | None) -> str:
    """1234567 -> 12,34,567."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##,##0.##")


def money(value: Decimal | None, currency: str = "INR", places: int = 2) -> str:
    """Decimal -> "₹1,23,456.78" (4 places for panel rates and costs: "₹0.0125"); invoiced
    money (revenue, totals, profit) has 2, rounded half up like the API's."""
    if value is None:
        return "—"
    symbol = _symbol(currency)
    if places == 2:  # invoiced money: 2 decimals rounded half up, as the API gives it
        value = value.quantize(CENT, ROUND_HALF_UP)
    text = format_decimal(abs(value), format=_PLACES.get(places, _PLACES[2]),
                          decimal_quantization=places == 2)
    return f"{'-' if value < 0 else ''}{symbol}{text}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{format_decimal(value, format='0.00')}%"


class Times:
    """Times as the operator reads them: in INVOICE_TIMEZONE."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        return moment.astimezone(self.zone).strftime("%d %b %Y, %H:%M")

    def day(self, moment: datetime | None) -> str:
        return "—" if moment is None else moment.astimezone(self.zone).strftime("%d %b %Y")


def age(seconds: float) -> str:
    """A duration in the largest sensible unit: "3 min", "5 h", "2 days"."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"
