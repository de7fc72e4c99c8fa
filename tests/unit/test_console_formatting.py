"""The console's money: Indian grouping, invoiced money at 2 decimals rounded half up (as
the API renders it), panel money at the panel's precision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from social_scale_web.formatting import money


@pytest.mark.parametrize(("value", "places", "shown"), [
    (Decimal("0.125"), 2, "₹0.13"),  # half up, not half even
    (Decimal("123456.785"), 2, "₹1,23,456.79"),
    (Decimal("2834.1855"), 2, "₹2,834.19"),
    (Decimal("-10.005"), 2, "-₹10.01"),
    (Decimal("0.0125"), 4, "₹0.0125"),
    (Decimal("269.92345678"), 4, "₹269.92345678"),
])
def test_money_is_shown_as_the_api_gives_it(value: Decimal, places: int, shown: str) -> None:
    assert money(value, places=places) == shown
