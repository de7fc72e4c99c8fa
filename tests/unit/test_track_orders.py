"""Following orders (use cases over SQL storage and the in-memory panel): status sync one
and many, the invoice billed as delivered, refills and cancels, and the admin's fixes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from social_scale_core.errors import (
    CancelNotAvailable,
    DuplicateOrder,
    IdempotencyConflict,
    IllegalTransition,
    NotFound,
    OrderOutcomeUnknown,
    OrderRejected,
    ProviderOutcomeUnknown,
    RefillNotAvailable,
    ValidationFailed,
)
from social_scale_core.invoicing import InvoiceStatus
from social_scale_core.orders import admin, tracking
from social_scale_core.orders.admin import StatsChange
from social_scale_core.orders.model import Order
from social_scale_core.orders.place_order import place_order
from social_scale_core.orders.ports import OrderQuery
from social_scale_core.panel.provider import OrderStatus

from tests.order_world import OrderWorld

S = OrderStatus


@pytest.fixture
def world(uow_factory) -> OrderWorld:  # type: ignore[no-untyped-def]
    return OrderWorld(uow_factory)


def placed(world: OrderWorld, quantity: int = 1000, service: int | None = None) -> Order:
    draft = world.draft(quantity=quantity, **({"service": service} if service else {}))
    return place_order(world.ports, draft, key=None).order


def test_sync_records_the_panels_numbers(world: OrderWorld) -> None:
    order = placed(world)
    assert order.api_order_id is not None
    world.panel.set_status(order.api_order_id, "In progress", remains=400, start_count=12)
    synced = tracking.sync_order(world.ports, order.api_order_id)
    assert synced.status is S.IN_PROGRESS and synced.provider_status == "In progress"
    assert (synced.remains, synced.start_count, synced.charge) == (400, 12, Decimal("269.9230"))
    assert synced.last_checked_at == world.clock.now() and synced.completed_at is None


def test_an_order_we_do_not_have_is_404_without_asking_the_panel(world: OrderWorld) -> None:
    with pytest.raises(NotFound):
        tracking.sync_order(world.ports, 123)
    assert world.panel.calls["status"] == 0


def test_partial_end_bills_only_what_was_delivered_and_stays_final(world: OrderWorld) -> None:
    order = placed(world)
    assert order.api_order_id is not None
    world.panel.set_status(order.api_order_id, "Partial", remains=250)
    world.clock.advance(minutes=1)
    synced = tracking.sync_order(world.ports, order.api_order_id)
    assert synced.status is S.PARTIAL and synced.completed_at == world.clock.now()
    assert synced.charge == Decimal("202.442250")  # the panel refunded 250 of 1000
    invoice = world.invoice_of(order.id)
    assert invoice is not None and invoice.billed_quantity == 750
    assert invoice.total == Decimal("1619.54")  # 269.923 x 750/1000 x 8
    world.panel.orders[order.api_order_id].status = "In progress"  # a confused panel
    again = tracking.sync_order(world.ports, order.api_order_id)
    assert again.status is S.PARTIAL and again.provider_status == "In progress"


def test_canceled_at_the_panel_voids_the_unpaid_invoice(world: OrderWorld) -> None:
    order = placed(world)
    assert order.api_order_id is not None
    world.panel.set_status(order.api_order_id, "Canceled")
    assert tracking.sync_order(world.ports, order.api_order_id).status is S.CANCELED
    invoice = world.invoice_of(order.id)
    assert invoice is not None and invoice.status is InvoiceStatus.VOID


def test_many_statuses_with_ids_unknown_to_us_or_the_panel(world: OrderWorld) -> None:
    a, b = placed(world), placed(world)
    assert a.api_order_id and b.api_order_id
    world.panel.set_status(b.api_order_id, "Completed")
    del world.panel.orders[a.api_order_id]  # the panel forgot it
    results = tracking.sync_orders(world.ports, [b.api_order_id, 7, a.api_order_id, 7])
    assert list(results) == [b.api_order_id, 7, a.api_order_id]
    done = results[b.api_order_id]
    assert isinstance(done, Order) and done.status is S.COMPLETED
    assert results[7] == tracking.NOT_HERE and results[a.api_order_id] == "Incorrect order ID"
    assert world.panel.calls["statuses"] == 1


def test_one_order_refused_in_a_batch_does_not_hold_back_the_others(
        world: OrderWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch is applied in one transaction; when a rule refuses one order's change,
    the others are applied one by one and the refused one reports why."""
    a, b, c = placed(world), placed(world), placed(world)
    ids = [o.api_order_id for o in (a, b, c)]
    assert all(ids)
    for api_id in ids:
        world.panel.set_status(api_id, "Partial", remains=100)  # type: ignore[arg-type]
    settle = tracking.settle_invoice

    def picky(uow, order, now, ports):  # type: ignore[no-untyped-def]
        if order.id == b.id:
            raise IllegalTransition("This invoice cannot change now.")
        settle(uow, order, now, ports)

    monkeypatch.setattr(tracking, "settle_invoice", picky)
    results = tracking.sync_orders(world.ports, ids)  # type: ignore[arg-type]
    assert results[b.api_order_id] == "This invoice cannot change now."  # type: ignore[index]
    for done in (a, c):
        synced = results[done.api_order_id]  # type: ignore[index]
        assert isinstance(synced, Order) and synced.status is S.PARTIAL
        invoice = world.invoice_of(done.id)
        assert invoice is not None and invoice.billed_quantity == 900
    with world.uow() as uow:
        kept = uow.orders.get(b.id)
    assert kept is not None and kept.status is S.PENDING  # its change rolled back


def test_refill_is_refused_locally_when_the_service_has_none(world: OrderWorld) -> None:
    order = placed(world, 100, world.service_where(refill=False).service_id)
    assert order.api_order_id is not None
    with pytest.raises(RefillNotAvailable):
        tracking.request_refill(world.ports, order.api_order_id)
    assert world.panel.calls["refill"] == 0


def test_refill_is_kept_on_the_order_and_refreshed_by_sync(world: OrderWorld) -> None:
    order = placed(world)  # 2124 offers refills
    assert order.api_order_id is not None
    world.panel.set_status(order.api_order_id, "Completed", remains=0)  # only then
    refilled = tracking.request_refill(world.ports, order.api_order_id)
    assert refilled.refill_id == "1" and refilled.refill_status == "Pending"
    world.panel.set_refill_status("1", "Completed")
    assert tracking.sync_order(world.ports, order.api_order_id).refill_status == "Completed"
    tracking.sync_order(world.ports, order.api_order_id)
    assert world.panel.calls["refill_status"] == 1  # a finished refill is not asked again


def test_cancel_only_when_the_panel_accepts(world: OrderWorld) -> None:
    cancelable = world.service_where(cancel=True).service_id
    yes, late = placed(world, 100, cancelable), placed(world, 101, cancelable)
    no = placed(world, 100, world.service_where(cancel=False).service_id)
    assert yes.api_order_id and no.api_order_id and late.api_order_id
    assert tracking.cancel_order(world.ports, yes.api_order_id).status is S.CANCELING
    with pytest.raises(IllegalTransition):  # already canceling: the panel is not asked
        tracking.cancel_order(world.ports, yes.api_order_id)
    with pytest.raises(CancelNotAvailable):  # the service takes none: not asked either
        tracking.cancel_order(world.ports, no.api_order_id)
    world.panel.set_status(late.api_order_id, "Completed", remains=0)
    with pytest.raises(OrderRejected) as exc:  # the panel finished it first and says no
        tracking.cancel_order(world.ports, late.api_order_id)
    assert exc.value.http_status == 409 and "refused" in exc.value.detail
    assert admin.get_order(world.ports, late.id).status is S.PENDING
    assert world.panel.calls["cancel"] == 2


def test_manual_orders_take_a_unique_panel_id_and_honour_the_key(world: OrderWorld) -> None:
    draft = world.draft(quantity=100)
    order = admin.record_manual_order(world.ports, draft, 555, key="m1")
    assert order.api_order_id == 555 and order.status is S.PENDING and order.invoice_id is None
    assert admin.record_manual_order(world.ports, draft, 555, key="m1").id == order.id
    with pytest.raises(IdempotencyConflict):
        admin.record_manual_order(world.ports, draft, 556, key="m1")
    with pytest.raises(DuplicateOrder):
        admin.record_manual_order(world.ports, draft, 555, key=None)
    with pytest.raises(ValidationFailed) as exc:
        admin.record_manual_order(world.ports, world.draft(link="x y"), 0, key=None)
    assert {e.field for e in exc.value.errors} == {"link", "apiOrderId"}
    assert world.panel.calls["add"] == 0


def _unknown(world: OrderWorld) -> Order:
    world.panel.fail("add", ProviderOutcomeUnknown("cut"), placed=True, times=1)
    with pytest.raises(OrderOutcomeUnknown):
        place_order(world.ports, world.draft(quantity=1000), key=None)
    return world.orders()[-1]


def test_resolving_an_unknown_order_attaches_the_panel_id_and_invoices_it(
        world: OrderWorld) -> None:
    order = _unknown(world)
    [api_id] = world.panel.orders
    with pytest.raises(ValidationFailed):
        admin.set_status(world.ports, order.id, S.PENDING)
    resolved = admin.set_status(world.ports, order.id, S.PENDING, api_order_id=api_id)
    assert resolved.status is S.PENDING and resolved.api_order_id == api_id
    invoice = world.invoice_of(order.id)
    assert invoice is not None and invoice.total == Decimal("2159.38")
    assert admin.get_order(world.ports, order.id).invoice_id == invoice.id


def test_an_unknown_order_may_be_marked_failed_but_not_completed(world: OrderWorld) -> None:
    order = _unknown(world)
    with pytest.raises(IllegalTransition):
        admin.set_status(world.ports, order.id, S.COMPLETED)
    assert admin.set_status(world.ports, order.id, S.FAILED).status is S.FAILED
    with pytest.raises(IllegalTransition):
        admin.set_status(world.ports, order.id, S.PENDING, api_order_id=99)


def test_stats_are_corrected_by_hand_within_limits(world: OrderWorld) -> None:
    order = placed(world)
    fixed = admin.set_stats(world.ports, order.id, StatsChange(remains=-5, charge=Decimal("1.5")))
    assert (fixed.remains, fixed.charge, fixed.start_count) == (-5, Decimal("1.5"), None)
    with pytest.raises(ValidationFailed) as exc:
        admin.set_stats(world.ports, order.id, StatsChange(start_count=-1,
                                                            charge=Decimal("0.000000001")))
    assert {e.field for e in exc.value.errors} == {"startCount", "charge"}


def test_listing_stats_and_company_history(world: OrderWorld) -> None:
    a, b = placed(world, 1000), placed(world, 100)
    other = world.add_company(name="Other")
    place_order(world.ports, world.draft(quantity=10, company_id=other.id), key=None)
    world.delete_company(other.id)
    items, total = admin.company_orders(world.ports, other.id, OrderQuery(), 50, 0)
    assert total == 1 and items[0].company_id == other.id
    with pytest.raises(NotFound):
        admin.company_orders(world.ports, "nope", OrderQuery(), 50, 0)
    by_cost, _ = admin.list_orders(world.ports, OrderQuery(sort="-cost"), 2, 0)
    assert [o.id for o in by_cost] == [a.id, b.id]
    stats = admin.order_stats(world.ports, OrderQuery())
    assert stats.total == 3 and stats.by_status == {"pending": 3}
    [totals] = stats.totals
    assert totals.cost == Decimal("299.61453") and totals.orders == 3
