"""Money arithmetic on Decimal: exact, half-up rounding, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
PER_THOUSAND = Decimal(1000)
# The largest single amount taken from input: the storage keeps 10^-8 units in 64 bits
# (about 9.2e10), and sums of many amounts must still fit.
MONEY_MAX = Decimal("9999999999.99999999")


def to_decimal(value: object) -> Decimal:
    """Parse a panel-style money value (str or int; a float is refused) into a Decimal."""
    if isinstance(value, bool | float):
        raise ValueError(f"money must not be a float or bool: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a decimal amount: {value!r}") from exc
    else:
        raise ValueError(f"not a decimal amount: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


def round_cents(amount: Decimal) -> Decimal:
    """Round to 2 decimals, half away from zero (the invoice rule)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def order_cost(rate_per_thousand: Decimal, quantity: int) -> Decimal:
    """Exact price of `quantity` units at a rate quoted per 1000 units."""
    return rate_per_thousand * quantity / PER_THOUSAND


def price_per(amount: Decimal, quantity: int, units: int = 1) -> Decimal:
    """The price of `units` units on a line of `quantity` units costing `amount` (cents).

    It has the fewest decimals (at least 2) for which quantity x price / units, rounded
    half up to cents, gives `amount` back: a printed line then multiplies out, where
    amount / quantity cut to a fixed 4 places may not (1000 x 0.1493 = 149.30, not 149.31).
    A line of no units has a price of 0.
    """
    if quantity == 0:
        return Decimal(0)
    exact = amount * units / quantity
    target = round_cents(amount)
    for places in range(2, 20):
        price = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if round_cents(price * quantity / units) == target:
            return price
    return exact


def money_str(amount: Decimal, places: int = 2) -> str:
    """Render `amount` with at least `places` decimals and no exponent, dropping no digits."""
    exponent = amount.normalize().as_tuple().exponent
    decimals = max(places, -exponent if isinstance(exponent, int) else 0)
    return f"{amount:.{decimals}f}"
