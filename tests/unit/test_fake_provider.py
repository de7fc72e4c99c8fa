"""The InMemoryProvider's own controls behave as documented (other tests lean on them)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from social_scale_core.errors import ProviderOutcomeUnknown, ProviderTimeout
from social_scale_core.panel.provider import AddRequest, OrderStatus

from tests.fakes.provider import InMemoryProvider

ORDER = AddRequest(service=1680, link="https://x.y/p", quantity=1000)


def test_faults_count_down_and_heal() -> None:
    panel = InMemoryProvider()
    panel.fail("balance", ProviderTimeout("slow"), times=2)
    for _ in range(2):
        with pytest.raises(ProviderTimeout):
            panel.balance()
    assert panel.balance().amount == Decimal("1000000")
    panel.fail("status", ProviderTimeout("slow"))
    panel.heal()
    assert panel.calls["balance"] == 3 and panel.statuses([]) == {}


def test_an_unknown_outcome_may_place_the_order() -> None:
    panel = InMemoryProvider()
    panel.fail("add", ProviderOutcomeUnknown("cut"), placed=True, times=1)
    with pytest.raises(ProviderOutcomeUnknown):
        panel.add(ORDER)
    assert len(panel.orders) == 1 and panel.calls["add"] == 1
    assert panel.balance().amount == Decimal("1000000") - Decimal("18.664")


def test_set_status_refunds_like_the_panel() -> None:
    panel = InMemoryProvider()
    order_id = panel.add(ORDER)
    panel.set_status(order_id, "Partial", remains=250)
    order = panel.status(order_id)
    assert order.status is OrderStatus.PARTIAL and order.charge == Decimal("13.998")
    assert panel.balance().amount == Decimal("1000000") - Decimal("13.998")
