"""Amounts in words (Indian English, lakh and crore) and the UPI payment link."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.invoicing.payment import PaymentDetails, upi_url
from social_scale_core.invoicing.words import amount_in_words, number_in_words, rupees_in_words

_UNITS = ("Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen "
          "Fourteen Fifteen Sixteen Seventeen Eighteen Nineteen")
_DECADES = "Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety"
_SMALL = {w: n for n, w in enumerate(_UNITS.split(" "))}
_SMALL.update({w: 10 * n for n, w in enumerate(_DECADES.split(" "), start=2)})
_SCALES = {"Hundred": 100, "Thousand": 1_000, "Lakh": 100_000, "Crore": 10_000_000}


def parse_words(text: str) -> int:
    """An independent reading of the words back to a number (for the round trip)."""
    total, current = 0, 0
    for word in text.split():
        if word in _SCALES:
            scale = _SCALES[word]
            # A scale multiplies everything after the last larger scale.
            if scale == 100:
                current *= 100
            else:
                total = (total + current) * scale if total and total < scale else \
                    total + current * scale
                current = 0
        else:
            current += sum(_SMALL[part] for part in word.split("-"))
    return total + current


@pytest.mark.parametrize(("n", "words"), [
    (0, "Zero"), (7, "Seven"), (21, "Twenty-One"), (100, "One Hundred"),
    (1_005, "One Thousand Five"), (99_999, "Ninety-Nine Thousand Nine Hundred Ninety-Nine"),
    (1_00_000, "One Lakh"), (1_23_456, "One Lakh Twenty-Three Thousand Four Hundred Fifty-Six"),
    (10_00_00_000, "Ten Crore"),
    (1_23_45_67_890, "One Hundred Twenty-Three Crore Forty-Five Lakh Sixty-Seven Thousand "
                     "Eight Hundred Ninety"),
])
def test_numbers_read_in_the_indian_system(n: int, words: str) -> None:
    assert number_in_words(n) == words


def test_rupees_and_paise() -> None:
    assert rupees_in_words(Decimal("123456.70")) == (
        "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy Paise Only")
    assert rupees_in_words(Decimal("14149.09")) == (
        "Rupees Fourteen Thousand One Hundred Forty-Nine and Nine Paise Only")
    assert rupees_in_words(Decimal("0.995")) == "Rupees One Only"  # half up to paise
    assert rupees_in_words(Decimal("-5")) == "Minus Rupees Five Only"
    assert amount_in_words(Decimal("12.5"), "USD") == "USD Twelve and Fifty Hundredths Only"


@given(st.integers(min_value=0, max_value=10**13))
def test_words_read_back_to_the_number(n: int) -> None:
    words = number_in_words(n)
    assert parse_words(words) == n
    assert "  " not in words and not words.endswith(" ")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_rupees_in_words_keeps_every_paisa(amount: Decimal) -> None:
    text = rupees_in_words(amount).removeprefix("Rupees ").removesuffix(" Only")
    rupees, _, paise = text.partition(" and ")
    assert parse_words(rupees) == int(amount)
    got = parse_words(paise.removesuffix(" Paise")) if paise else 0
    assert got == int((amount - int(amount)) * 100)


def test_number_in_words_refuses_negatives() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        number_in_words(-1)


def test_upi_url_carries_the_exact_amount_and_the_invoice_number() -> None:
    url = upi_url("socialscale@okhdfc", "Social Scale & Co", Decimal("14149.085"),
                  "SS/26-27/000001")
    assert url.startswith("upi://pay?pa=socialscale@okhdfc&")
    query = parse_qs(urlsplit(url).query)
    assert query == {"pa": ["socialscale@okhdfc"], "pn": ["Social Scale & Co"],
                     "am": ["14149.09"], "cu": ["INR"], "tn": ["SS/26-27/000001"]}


def test_payment_details_lines() -> None:
    details = PaymentDetails("HDFC Bank", "Social Scale LLP", "50200012345678", "HDFC0001234",
                             "socialscale@okhdfc")
    assert details.lines() == ["Bank: HDFC Bank", "Account name: Social Scale LLP",
                               "Account no.: 50200012345678", "IFSC: HDFC0001234",
                               "UPI ID: socialscale@okhdfc"]
    assert PaymentDetails().lines() == [] and not PaymentDetails(upi_id="a@b").has_bank
