"""The invoice money math: multiplier, half-up cents, GST split and proration. Exact Decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from attrs import frozen

from social_scale_core.errors import ValidationFailed
from social_scale_core.invoicing.model import (
    SAC_ADVERTISING,
    BillingParty,
    InvoiceLine,
    TaxLine,
    TaxMode,
)
from social_scale_core.money import round_cents

MAX_MULTIPLIER = Decimal(1000)
MULTIPLIER_PLACES = 4
UNIT_PRICE = Decimal("0.0001")
BASE_COST_STEP = Decimal("0.00000001")  # the Money column's precision
GST_RATE = Decimal(18)
HALF_GST = GST_RATE / 2
HUNDRED = Decimal(100)


def check_multiplier(multiplier: Decimal, field: str = "multiplier") -> Decimal:
    """Refuse a multiplier outside (0, 1000] or with more than 4 decimals."""
    if not multiplier.is_finite() or multiplier <= 0 or multiplier > MAX_MULTIPLIER:
        raise ValidationFailed.single(field, f"must be greater than 0 and at most {MAX_MULTIPLIER}")
    exponent = multiplier.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MULTIPLIER_PLACES:
        raise ValidationFailed.single(field, f"may have at most {MULTIPLIER_PLACES} decimals")
    return multiplier


def check_floor(multiplier: Decimal, floor: Decimal, *, allowed: bool, field: str,
                source: str = "the multiplier") -> Decimal:
    """Refuse a multiplier below `floor` (INVOICE_MIN_MULTIPLIER: the invoice would not
    cover the panel's cost) unless the order explicitly allowed it (`allowBelowCost`).

    `source` says where the multiplier came from, for the message ("the company's default").
    """
    if multiplier < floor and not allowed:
        raise ValidationFailed.single(field, (
            f"{source} ({multiplier}) is below the minimum multiplier {floor} "
            "(INVOICE_MIN_MULTIPLIER), so the invoice would not cover the panel's cost; "
            "give a higher one, or allowBelowCost: true on the order if that is meant"))
    return multiplier


def priced(base_cost: Decimal, multiplier: Decimal) -> Decimal:
    """What the client pays before any tax is added: baseCost x multiplier, half-up to cents."""
    return round_cents(base_cost * multiplier)


def prorated_cost(cost: Decimal, quantity: int, delivered: int) -> Decimal:
    """The part of `cost` for `delivered` of `quantity` units, half-up to the Money precision."""
    if quantity <= 0:
        return Decimal(0)
    units = max(0, min(delivered, quantity))
    return (cost * units / quantity).quantize(BASE_COST_STEP, rounding=ROUND_HALF_UP)


def delivered_units(quantity: int, remains: int | None) -> int:
    """Units the panel delivered: quantity - remains, capped to [0, quantity]."""
    if remains is None:
        return quantity
    return max(0, min(quantity, quantity - remains))


@frozen
class Priced:
    """A priced document: subtotal (taxable value) + taxes = total."""

    subtotal: Decimal
    taxes: tuple[TaxLine, ...]
    total: Decimal

    @property
    def tax_total(self) -> Decimal:
        return sum((t.amount for t in self.taxes), Decimal(0))


def intra_state(seller: BillingParty, buyer: BillingParty) -> bool:
    """Same state, or a buyer whose state is unknown (place of supply = the seller's)."""
    buyer_state = buyer.gst_state
    return buyer_state is None or buyer_state == seller.gst_state


def _split(tax: Decimal, intra: bool) -> tuple[TaxLine, ...]:
    if not intra:
        return (TaxLine("IGST", GST_RATE, tax),)
    central = round_cents(tax / 2)
    return (TaxLine("CGST", HALF_GST, central), TaxLine("SGST", HALF_GST, tax - central))


def apply_tax(
    amount: Decimal, mode: TaxMode, inclusive: bool, seller: BillingParty, buyer: BillingParty
) -> Priced:
    """Tax `amount` (already in cents): added on top, or carved out of it when inclusive."""
    if mode is TaxMode.OFF:
        return Priced(amount, (), amount)
    intra = intra_state(seller, buyer)
    if inclusive:
        taxable = round_cents(amount * HUNDRED / (HUNDRED + GST_RATE))
        return Priced(taxable, _split(amount - taxable, intra), amount)
    if intra:
        half = round_cents(amount * HALF_GST / HUNDRED)
        tax = half * 2
    else:
        tax = round_cents(amount * GST_RATE / HUNDRED)
    return Priced(amount, _split(tax, intra), amount + tax)


def make_line(description: str, quantity: int, priced_doc: Priced, taxed: bool) -> InvoiceLine:
    """The one line of an order's invoice (or credit note) carrying the document's amounts."""
    unit = (
        (priced_doc.subtotal / quantity).quantize(UNIT_PRICE, rounding=ROUND_HALF_UP)
        if quantity else Decimal(0)
    )
    return InvoiceLine(
        description=description, quantity=quantity, unit_price=unit,
        amount=priced_doc.subtotal, sac=SAC_ADVERTISING if taxed else None,
        taxes=priced_doc.taxes,
    )


def difference(target: Priced, current: Priced) -> Priced:
    """target - current, component by component (a credit note's negative amounts)."""
    current_by_name = {t.name: t.amount for t in current.taxes}
    names = [t.name for t in current.taxes] + [
        t.name for t in target.taxes if t.name not in current_by_name
    ]
    target_by_name = {t.name: t for t in target.taxes}
    rates = {t.name: t.rate for t in (*current.taxes, *target.taxes)}
    taxes = tuple(
        TaxLine(n, rates[n], (target_by_name[n].amount if n in target_by_name else Decimal(0))
                - current_by_name.get(n, Decimal(0)))
        for n in names
    )
    return Priced(target.subtotal - current.subtotal, taxes, target.total - current.total)
