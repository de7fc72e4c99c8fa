"""Properties of the invoice money math: multiplier, half-up cents, GST split, proration."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.errors import ValidationFailed
from social_scale_core.invoicing.model import BillingParty, TaxMode
from social_scale_core.invoicing.pricing import (
    apply_tax,
    check_multiplier,
    delivered_units,
    difference,
    priced,
    prorated_cost,
)
from social_scale_core.money import price_per

costs = st.decimals(min_value=Decimal(0), max_value=Decimal("99999.99999999"), places=8)
multipliers = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=4)
cents = st.decimals(min_value=Decimal(0), max_value=Decimal("9999999.99"), places=2)
SELLER = BillingParty("Agency", gstin="29ABCDE1234F1Z5", state_code="29")
SAME = BillingParty("Buyer", state_code="29")
OTHER = BillingParty("Buyer", gstin="27ABCDE1234F1Z5")


def half_up_cents(value: Fraction) -> Fraction:
    """Independent reference: round a non-negative fraction to cents, ties away from zero."""
    scaled = value * 100
    floor = scaled.numerator // scaled.denominator
    return Fraction(floor + (1 if scaled - floor >= Fraction(1, 2) else 0), 100)


@given(cost=costs, multiplier=multipliers)
def test_total_is_cost_times_multiplier_rounded_half_up(cost: Decimal, multiplier: Decimal) -> None:
    total = priced(cost, multiplier)
    assert Fraction(total) == half_up_cents(Fraction(cost) * Fraction(multiplier))
    assert total.as_tuple().exponent == -2


def test_half_cent_rounds_up_not_to_even() -> None:
    assert priced(Decimal("0.125"), Decimal(1)) == Decimal("0.13")
    assert priced(Decimal("0.135"), Decimal(1)) == Decimal("0.14")
    assert priced(Decimal("1.2498"), Decimal(8)) == Decimal("10.00")
    assert priced(Decimal("9.998"), Decimal(8)) == Decimal("79.98")


@given(amount=cents, buyer=st.sampled_from([SAME, OTHER]), inclusive=st.booleans())
def test_tax_parts_add_up_to_the_total(amount: Decimal, buyer: BillingParty,
                                       inclusive: bool) -> None:
    doc = apply_tax(amount, TaxMode.GST, inclusive, SELLER, buyer)
    assert doc.subtotal + sum(t.amount for t in doc.taxes) == doc.total
    assert all(t.amount.as_tuple().exponent >= -2 for t in doc.taxes)
    # 18% of the taxable value, within the half-cent of each rounded component
    assert abs(doc.tax_total - doc.subtotal * Decimal("0.18")) <= Decimal("0.01")
    if inclusive:
        assert doc.total == amount
    else:
        assert doc.subtotal == amount


@given(amount=cents)
def test_same_state_splits_cgst_and_sgst_equally_when_exclusive(amount: Decimal) -> None:
    doc = apply_tax(amount, TaxMode.GST, False, SELLER, SAME)
    assert [t.name for t in doc.taxes] == ["CGST", "SGST"]
    assert doc.taxes[0].amount == doc.taxes[1].amount
    assert doc.taxes[0].rate == Decimal(9)


def test_other_state_is_igst_and_unknown_buyer_state_is_intra_state() -> None:
    igst = apply_tax(Decimal("100.00"), TaxMode.GST, False, SELLER, OTHER)
    assert [(t.name, t.amount) for t in igst.taxes] == [("IGST", Decimal("18.00"))]
    assert igst.total == Decimal("118.00")
    local = apply_tax(Decimal("100.00"), TaxMode.GST, False, SELLER, BillingParty("No state"))
    assert [(t.name, t.amount) for t in local.taxes] == [
        ("CGST", Decimal("9.00")), ("SGST", Decimal("9.00"))]


def test_inclusive_carves_tax_out_of_the_price() -> None:
    doc = apply_tax(Decimal("118.00"), TaxMode.GST, True, SELLER, SAME)
    assert (doc.subtotal, doc.tax_total, doc.total) == (
        Decimal("100.00"), Decimal("18.00"), Decimal("118.00"))


def test_tax_off_adds_nothing() -> None:
    doc = apply_tax(Decimal("79.98"), TaxMode.OFF, False, SELLER, OTHER)
    assert (doc.subtotal, doc.taxes, doc.total) == (Decimal("79.98"), (), Decimal("79.98"))


@given(cost=costs, quantity=st.integers(1, 10**7), data=st.data())
def test_proration_is_exact_to_the_money_precision_and_bounded(
    cost: Decimal, quantity: int, data: st.DataObject
) -> None:
    delivered = data.draw(st.integers(-5, quantity + 5))
    part = prorated_cost(cost, quantity, delivered)
    units = max(0, min(delivered, quantity))
    assert abs(Fraction(part) - Fraction(cost) * units / quantity) <= Fraction(1, 2 * 10**8)
    assert Decimal(0) <= part <= cost
    assert prorated_cost(cost, quantity, quantity) == cost
    assert prorated_cost(cost, quantity, 0) == 0


@given(cost=costs, quantity=st.integers(2, 10**6), data=st.data())
def test_proration_never_bills_more_for_fewer_units(
    cost: Decimal, quantity: int, data: st.DataObject
) -> None:
    fewer = data.draw(st.integers(0, quantity - 1))
    assert prorated_cost(cost, quantity, fewer) <= prorated_cost(cost, quantity, fewer + 1)


@given(quantity=st.integers(0, 10**6), remains=st.one_of(st.none(), st.integers(-10, 10**6 + 10)))
def test_delivered_is_quantity_minus_remains_capped(quantity: int, remains: int | None) -> None:
    delivered = delivered_units(quantity, remains)
    assert 0 <= delivered <= quantity
    if remains is not None and 0 <= remains <= quantity:
        assert delivered == quantity - remains


@given(a=cents, b=cents, buyer=st.sampled_from([SAME, OTHER]))
def test_credit_difference_brings_current_to_target(a: Decimal, b: Decimal,
                                                    buyer: BillingParty) -> None:
    current = apply_tax(max(a, b), TaxMode.GST, False, SELLER, buyer)
    target = apply_tax(min(a, b), TaxMode.GST, False, SELLER, buyer)
    credit = difference(target, current)
    assert current.total + credit.total == target.total
    assert credit.total <= 0 and credit.subtotal + credit.tax_total == credit.total
    for now, delta, goal in zip(current.taxes, credit.taxes, target.taxes, strict=True):
        assert now.amount + delta.amount == goal.amount


@pytest.mark.parametrize("bad", ["0", "-1", "1000.0001", "1.00001", "NaN", "Infinity"])
def test_multiplier_out_of_range_or_too_precise_is_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_multiplier(Decimal(bad))
    assert caught.value.errors[0].field == "multiplier"


@pytest.mark.parametrize("good", ["0.0001", "1", "8", "2.5", "1000"])
def test_multiplier_in_range_is_kept(good: str) -> None:
    assert check_multiplier(Decimal(good)) == Decimal(good)


def half_up(value: Fraction, places: int) -> Fraction:
    """Independent reference: round to `places` decimals, ties away from zero."""
    scaled = abs(value) * 10**places
    floor = scaled.numerator // scaled.denominator
    rounded = Fraction(floor + (1 if scaled - floor >= Fraction(1, 2) else 0), 10**places)
    return rounded if value >= 0 else -rounded


@given(amount=st.decimals(min_value=Decimal("-9999999.99"), max_value=Decimal("9999999.99"),
                          places=2),
       quantity=st.integers(min_value=1, max_value=10**9), units=st.sampled_from([1, 1000]))
def test_a_line_price_multiplies_back_to_the_amount_with_the_fewest_decimals(
    amount: Decimal, quantity: int, units: int,
) -> None:
    price = price_per(amount, quantity, units)
    assert half_up(Fraction(price) * quantity / units, 2) == Fraction(amount)
    places = -int(price.as_tuple().exponent)
    assert places >= 2
    if places > 2:  # one decimal fewer would not do
        shorter = half_up(Fraction(amount) * units / quantity, places - 1)
        assert half_up(shorter * quantity / units, 2) != Fraction(amount)


def test_the_known_defect_1000_units_for_149_31() -> None:
    assert price_per(Decimal("149.31"), 1000) == Decimal("0.14931")  # not 0.1493 (= 149.30)
    assert price_per(Decimal("149.31"), 1000, 1000) == Decimal("149.31")
    assert price_per(Decimal("100.00"), 1500, 1000) == Decimal("66.667")  # 66.67 gives 100.01
    assert price_per(Decimal("79.98"), 0) == Decimal(0)
