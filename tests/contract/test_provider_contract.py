"""One Provider contract, run over the fake, the client->simulator (in-process and over a
socket, both panel variants) and, when enabled, the real Fampage (read-only tests only)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from social_scale_adapters.fampage import rules
from social_scale_core.errors import ProviderRejected
from social_scale_core.money import order_cost
from social_scale_core.panel.provider import (
    AddRequest,
    OrderStatus,
    PanelOrder,
    PanelOrderError,
    Service,
)
from social_scale_core.ports.provider import Provider

from tests.contract.provider_harness import HARNESSES, Harness, live_enabled

LINK = "https://instagram.com/p/contract"


def _param(name: str) -> object:
    if name == "live":
        return pytest.param(name, marks=pytest.mark.skipif(
            not live_enabled(), reason="set FAMPAGE_CONTRACT=1 and FAMPAGE_API_KEY"))
    return name


@pytest.fixture(params=[_param(n) for n in HARNESSES])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    made = HARNESSES[request.param]()
    yield made
    made.close()


@pytest.fixture(params=[n for n in HARNESSES if n != "live"])
def panel(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """A harness for tests that place orders: never the real panel (orders cost money)."""
    made = HARNESSES[request.param]()
    yield made
    made.close()


def _service(provider: Provider, *, refill: bool | None = None, cancel: bool | None = None,
             type_: str = "Default") -> Service:
    for svc in provider.services():
        if svc.type == type_ and svc.min <= 1000 <= svc.max and svc.rate < 1000 and (
            refill is None or svc.refill is refill) and (cancel is None or svc.cancel is cancel):
            return svc
    raise AssertionError("the catalog has no such service")


def _add(provider: Provider, svc: Service, quantity: int = 1000) -> int:
    return provider.add(AddRequest(service=svc.service_id, link=LINK, quantity=quantity))


# ---- read-only: also run against the real Fampage -------------------------------------
def test_services_have_the_documented_shape(harness: Harness) -> None:
    services = harness.provider.services()
    assert services and len({s.service_id for s in services}) == len(services)
    for svc in services:
        assert isinstance(svc.rate, Decimal) and svc.rate > 0
        assert 0 < svc.min <= svc.max
        assert svc.network and svc.name and svc.category and len(svc.currency) == 3
        assert isinstance(svc.refill, bool) and isinstance(svc.cancel, bool)


def test_balance_is_an_exact_amount_in_the_panel_currency(harness: Harness) -> None:
    balance = harness.provider.balance()
    assert isinstance(balance.amount, Decimal) and len(balance.currency) == 3


def test_status_of_an_unknown_order_is_rejected(harness: Harness) -> None:
    with pytest.raises(ProviderRejected) as caught:
        harness.provider.status(1)
    assert caught.value.detail == rules.INCORRECT_ORDER


def test_a_wrong_key_is_rejected_with_the_panel_message(harness: Harness) -> None:
    with pytest.raises(ProviderRejected) as caught:
        harness.bad_key().balance()
    assert caught.value.detail == rules.INVALID_KEY


# ---- orders: fake and simulator only ----------------------------------------------------
def test_add_spends_the_exact_charge_and_starts_pending(panel: Harness) -> None:
    provider = panel.provider
    svc = _service(provider)
    before = provider.balance().amount
    order_id = _add(provider, svc, 1234)
    assert isinstance(order_id, int) and order_id > 0
    order = provider.status(order_id)
    expected = order_cost(svc.rate, 1234)
    assert (order.order_id, order.status, order.raw_status) == (
        order_id, OrderStatus.PENDING, "Pending")
    assert (order.charge, order.remains, order.currency) == (expected, 1234, svc.currency)
    assert provider.balance().amount == before - expected
    assert panel.placed() == 1


def test_drip_feed_charges_runs_times_quantity(panel: Harness) -> None:
    svc = _service(panel.provider)
    before = panel.provider.balance().amount
    panel.provider.add(AddRequest(service=svc.service_id, link=LINK, quantity=1000, runs=3,
                                  interval=10))
    assert panel.provider.balance().amount == before - order_cost(svc.rate, 3000)


def test_orders_progress_to_a_final_status_and_refunds_balance(panel: Harness) -> None:
    provider = panel.provider
    before = provider.balance().amount
    order_id = _add(provider, _service(provider))
    panel.progress()
    assert provider.status(order_id).status is OrderStatus.IN_PROGRESS
    panel.finish()
    final = provider.status(order_id)
    assert final.status in (OrderStatus.COMPLETED, OrderStatus.PARTIAL)
    assert final.charge is not None
    assert provider.balance().amount == before - final.charge  # Partial refunds the rest
    if final.status is OrderStatus.COMPLETED:
        assert final.remains == 0


def test_statuses_report_unknown_ids_one_by_one(panel: Harness) -> None:
    provider = panel.provider
    svc = _service(provider)
    known = [_add(provider, svc), _add(provider, svc)]
    result = provider.statuses([*known, 7, 8])
    assert set(result) == {*known, 7, 8}
    assert all(isinstance(result[i], PanelOrder) for i in known)
    for bad in (7, 8):
        assert result[bad] == PanelOrderError(bad, rules.INCORRECT_ORDER)


def test_refill_only_where_the_service_allows_it(panel: Harness) -> None:
    provider = panel.provider
    allowed = _add(provider, _service(provider, refill=True))
    with pytest.raises(ProviderRejected, match=rules.REFILL_NOT_DONE):
        provider.refill(allowed)  # still running: nothing to refill yet
    panel.finish()
    refill_id = provider.refill(allowed)
    assert isinstance(refill_id, str) and refill_id
    assert provider.refill_status(refill_id) == "Pending"
    with pytest.raises(ProviderRejected, match=rules.REFILL_PENDING):
        provider.refill(allowed)  # one at a time
    denied = _add(provider, _service(provider, refill=False))
    with pytest.raises(ProviderRejected, match=rules.REFILL_DISABLED):
        provider.refill(denied)
    with pytest.raises(ProviderRejected, match=rules.INCORRECT_ORDER):
        provider.refill(1)


def test_cancel_refunds_a_cancellable_order_once_processed(panel: Harness) -> None:
    provider = panel.provider
    before = provider.balance().amount
    order_id = _add(provider, _service(provider, cancel=True))
    result = provider.cancel(order_id)
    assert (result.order_id, result.accepted) == (order_id, True)
    panel.finish()
    order = provider.status(order_id)
    assert order.status is OrderStatus.CANCELED and order.charge == 0
    assert provider.balance().amount == before


def test_cancel_is_refused_where_the_service_does_not_allow_it(panel: Harness) -> None:
    provider = panel.provider
    order_id = _add(provider, _service(provider, cancel=False))
    try:
        accepted = provider.cancel(order_id).accepted
    except ProviderRejected as exc:  # the standard panel says why, Fampage just "false"
        assert exc.detail == rules.CANCEL_DISABLED
        accepted = False
    assert accepted is False
    panel.finish()
    assert provider.status(order_id).status is not OrderStatus.CANCELED


@pytest.mark.parametrize(("change", "message"), [
    ({"service": 999_999}, rules.INCORRECT_SERVICE),
    ({"quantity": 0}, "min"),
    ({"quantity": 10**9}, "max"),
    ({"link": "not a link"}, rules.BAD_LINK),
    ({"runs": 2}, rules.BAD_DRIP_FEED),
])
def test_bad_orders_are_rejected_and_nothing_is_placed(
    panel: Harness, change: dict[str, object], message: str
) -> None:
    svc = _service(panel.provider)
    values: dict[str, object] = {"service": svc.service_id, "link": LINK, "quantity": 1000}
    values.update(change)
    expected = {"min": rules.QUANTITY_MIN.format(svc.min),
                "max": rules.QUANTITY_MAX.format(svc.max)}.get(message, message)
    before = panel.provider.balance().amount
    with pytest.raises(ProviderRejected) as caught:
        panel.provider.add(AddRequest(**values))  # type: ignore[arg-type]
    assert caught.value.detail == expected
    assert panel.placed() == 0 and panel.provider.balance().amount == before


def test_insufficient_funds(panel: Harness) -> None:
    svc = _service(panel.provider)
    panel.set_balance(order_cost(svc.rate, 1000) - Decimal("0.0001"))
    with pytest.raises(ProviderRejected) as caught:
        _add(panel.provider, svc)
    assert caught.value.detail == rules.funds_message(panel.variant)
    assert panel.placed() == 0
    panel.set_balance(order_cost(svc.rate, 1000))
    _add(panel.provider, svc)
    assert panel.provider.balance().amount == 0


def test_custom_comments_count_one_unit_per_line(panel: Harness) -> None:
    svc = next(s for s in panel.provider.services()
               if s.type == "Custom Comments" and s.min <= 3 <= s.max)
    before = panel.provider.balance().amount
    order_id = panel.provider.add(AddRequest(service=svc.service_id, link=LINK,
                                             comments="great\nnice\n\nwow"))
    assert panel.provider.status(order_id).remains == 3
    assert panel.provider.balance().amount == before - order_cost(svc.rate, 3)
