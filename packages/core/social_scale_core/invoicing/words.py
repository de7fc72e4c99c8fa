"""Amounts in words in Indian English: thousand, lakh (10^5) and crore (10^7), exactly."""

from __future__ import annotations

from decimal import Decimal

from social_scale_core.money import round_cents

_ONES = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
         "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen",
         "Eighteen", "Nineteen")
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")
# Below a crore the Indian system names groups of two digits above the hundreds.
_GROUPS = ((10_000_000, "Crore"), (100_000, "Lakh"), (1_000, "Thousand"), (100, "Hundred"))


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def number_in_words(n: int) -> str:
    """A whole number >= 0 in Indian English: 12345678 -> `One Crore Twenty-Three Lakh
    Forty-Five Thousand Six Hundred Seventy-Eight`. Past 99 crore the crores are counted
    in words themselves (`One Hundred Crore`)."""
    if n < 0:
        raise ValueError("number_in_words takes a whole number >= 0")
    if n == 0:
        return "Zero"
    parts: list[str] = []
    for size, name in _GROUPS:
        count, n = divmod(n, size)
        if count:
            parts.append(f"{number_in_words(count)} {name}")
    if n:
        parts.append(_below_hundred(n))
    return " ".join(parts)


def rupees_in_words(amount: Decimal) -> str:
    """`Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy Paise Only`
    for 123456.70 (rounded to paise); a negative amount starts with `Minus`."""
    cents = round_cents(abs(amount))
    rupees = int(cents)
    paise = int((cents - rupees) * 100)
    text = f"Rupees {number_in_words(rupees)}"
    if paise:
        text += f" and {number_in_words(paise)} Paise"
    return ("Minus " if amount < 0 and cents else "") + text + " Only"


def amount_in_words(amount: Decimal, currency: str) -> str:
    """Rupees in words for INR; other currencies name the code and its hundredths."""
    if currency == "INR":
        return rupees_in_words(amount)
    cents = round_cents(abs(amount))
    whole, hundredths = int(cents), int((cents - int(cents)) * 100)
    text = f"{currency} {number_in_words(whole)}"
    if hundredths:
        text += f" and {number_in_words(hundredths)} Hundredths"
    return ("Minus " if amount < 0 and cents else "") + text + " Only"
