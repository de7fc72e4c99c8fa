"""Placing orders (use case over SQL storage and the in-memory panel): checks before the
panel, exactly one `add`, and every outcome recorded — placed, refused, unknown, unsent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from social_scale_core.errors import (
    IdempotencyConflict,
    IdempotencyInProgress,
    OrderNotSent,
    OrderOutcomeUnknown,
    OrderRejected,
    ProviderOutcomeUnknown,
    ProviderTimeout,
    ProviderUnavailable,
    ValidationFailed,
)
from social_scale_core.orders.place_order import new_order, place_order
from social_scale_core.orders.placement_rules import check_draft
from social_scale_core.panel.provider import OrderStatus

from tests.fakes.provider import InMemoryProvider
from tests.order_world import OrderWorld

S = OrderStatus


@pytest.fixture
def world(uow_factory) -> OrderWorld:  # type: ignore[no-untyped-def]
    return OrderWorld(uow_factory)


def test_a_placed_order_is_pending_priced_and_invoiced(world: OrderWorld) -> None:
    placed = place_order(world.ports, world.draft(quantity=1000), key=None)
    order = placed.order
    assert world.panel.calls["add"] == 1 and order.api_order_id in world.panel.orders
    assert order.status is S.PENDING and order.cost == Decimal("269.9230")
    assert order.link == "https://instagram.com/client"
    assert order.target_key == "instagram.com/client"
    assert (order.service.network, order.currency) == ("Instagram", "INR")
    assert placed.invoice is not None and placed.invoice.total == Decimal("2159.38")  # x 8
    assert world.orders() == [order] and world.invoice_of(order.id) == placed.invoice


@pytest.mark.parametrize(("body", "company", "expected"), [
    ("3", None, Decimal("809.77")),
    (None, "2.5", Decimal("674.81")),
    (None, None, Decimal("2159.38")),
])
def test_the_multiplier_comes_from_the_body_the_company_or_the_policy(
        world: OrderWorld, body: str | None, company: str | None, expected: Decimal) -> None:
    owner = world.add_company(default_invoice_multiplier=Decimal(company) if company else None)
    draft = world.draft(1000, multiplier=body, company_id=owner.id)
    placed = place_order(world.ports, draft, None)
    assert placed.invoice is not None and placed.invoice.total == expected


@pytest.mark.parametrize(("changes", "field"), [
    ({"quantity": 9}, "quantity"),
    ({"quantity": 100_001}, "quantity"),
    ({"service": 999_999}, "service"),
    ({"company_id": "no-such-company"}, "companyId"),
    ({"link": "ftp://instagram.com/x"}, "link"),
    ({"multiplier": "0"}, "invoiceMultiplier"),
])
def test_bad_input_is_refused_before_the_panel(world: OrderWorld, changes: dict[str, object],
                                               field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        place_order(world.ports, world.draft(**changes), key="k")  # type: ignore[arg-type]
    assert field in {e.field for e in exc.value.errors}
    assert world.panel.calls["add"] == 0 and world.orders() == []


def test_a_deleted_company_cannot_order(world: OrderWorld) -> None:
    world.delete_company(world.company.id)
    with pytest.raises(ValidationFailed) as exc:
        place_order(world.ports, world.draft(), key=None)
    assert [e.field for e in exc.value.errors] == ["companyId"]
    assert world.panel.calls["add"] == 0


def test_a_clean_refusal_leaves_a_failed_order_no_invoice_and_the_balance(uow_factory) -> None:  # type: ignore[no-untyped-def]
    world = OrderWorld(uow_factory, InMemoryProvider(balance=Decimal("1.00")))
    with pytest.raises(OrderRejected) as exc:
        place_order(world.ports, world.draft(quantity=1000), key="k1")
    assert exc.value.reason == "insufficient_funds" and exc.value.http_status == 402
    [order] = world.orders()
    assert order.status is S.FAILED and order.error_message == "insufficient_funds"
    assert world.invoice_of(order.id) is None and exc.value.order_id == order.id
    assert world.panel.balance_amount == Decimal("1.00") and world.panel.orders == {}
    with pytest.raises(OrderRejected):  # the repeat says the same, and sends nothing
        place_order(world.ports, world.draft(quantity=1000), key="k1")
    assert world.panel.calls["add"] == 1


@pytest.mark.parametrize("error", [ProviderOutcomeUnknown("cut"), ProviderTimeout("slow")])
def test_a_lost_answer_leaves_one_unknown_order_and_one_add(world: OrderWorld,
                                                             error: Exception) -> None:
    world.panel.fail("add", error, placed=True)  # type: ignore[arg-type]
    with pytest.raises(OrderOutcomeUnknown) as exc:
        place_order(world.ports, world.draft(), key="k1")
    world.panel.heal()
    with pytest.raises(OrderOutcomeUnknown):
        place_order(world.ports, world.draft(), key="k1")
    [order] = world.orders()
    assert exc.value.order_id == order.id and order.status is S.UNKNOWN
    assert world.panel.calls["add"] == 1 and len(world.panel.orders) == 1
    assert world.invoice_of(order.id) is None


def test_an_unsent_order_is_failed_with_503(world: OrderWorld) -> None:
    world.panel.fail("add", ProviderUnavailable("connection refused"))
    with pytest.raises(OrderNotSent) as exc:
        place_order(world.ports, world.draft(), key=None)
    [order] = world.orders()
    assert order.status is S.FAILED and exc.value.order_id == order.id
    assert order.error_code == "provider_unavailable"


def test_a_repeat_returns_the_first_result(world: OrderWorld) -> None:
    first = place_order(world.ports, world.draft(), key="same")
    again = place_order(world.ports, world.draft(), key="same")
    assert again.order.id == first.order.id and again.invoice == first.invoice
    assert world.panel.calls["add"] == 1 and len(world.orders()) == 1


def test_the_same_key_with_another_body_is_a_conflict(world: OrderWorld) -> None:
    place_order(world.ports, world.draft(quantity=100), key="same")
    with pytest.raises(IdempotencyConflict):
        place_order(world.ports, world.draft(quantity=101), key="same")
    assert world.panel.calls["add"] == 1


def test_without_a_key_each_request_is_a_new_order(world: OrderWorld) -> None:
    a = place_order(world.ports, world.draft(), key=None)
    b = place_order(world.ports, world.draft(), key=None)
    assert a.order.id != b.order.id and world.panel.calls["add"] == 2


def _stuck(world: OrderWorld) -> str:
    """An order left `submitting` (its worker died between recording and answering)."""
    draft = world.draft()
    service = world.catalog.get(draft.service)
    order = new_order(world.ports, draft, service, check_draft(draft, service))  # type: ignore[arg-type]
    order.idempotency_key, order.request_fingerprint = "stuck", draft.fingerprint("place")
    with world.uow() as uow:
        uow.orders.add(order)
        uow.commit()
    return order.id


def test_a_repeat_waits_then_says_in_progress_while_the_first_is_submitting(
        world: OrderWorld) -> None:
    _stuck(world)
    with pytest.raises(IdempotencyInProgress):
        place_order(world.ports, world.draft(), key="stuck")
    assert len(world.sleeps) == 5 and world.panel.calls["add"] == 0


def test_a_stale_submission_becomes_unknown_and_is_never_resent(world: OrderWorld) -> None:
    order_id = _stuck(world)
    world.clock.advance(minutes=6)
    with pytest.raises(OrderOutcomeUnknown) as exc:
        place_order(world.ports, world.draft(), key="stuck")
    assert exc.value.order_id == order_id and world.panel.calls["add"] == 0
    assert world.orders()[0].status is S.UNKNOWN
    assert world.ports.stale_after == timedelta(minutes=5)
