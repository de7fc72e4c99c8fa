"""Keyset pages of the order listing on SQLite and PostgreSQL: walking every page gives each
order exactly once, in the sort's order, while new orders arrive between pages."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from social_scale_core.clock import FrozenClock
from social_scale_core.companies import service as companies
from social_scale_core.companies.model import CompanyDetails
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.orders.model import Order
from social_scale_core.orders.ports import SORT_ATTRIBUTES, OrderCursor, OrderQuery
from social_scale_core.panel.provider import OrderStatus

from tests.unit.order_builders import T0, make_order

SORTS = ["-createdAt", "createdAt", "-charge", "charge", "-completedAt", "quantity", "-status"]


@pytest.fixture
def company_id(uow_factory) -> str:  # type: ignore[no-untyped-def]
    ports = CompanyPorts(uow=uow_factory, clock=FrozenClock(T0))
    return companies.create_company(ports, CompanyDetails(name="C"), "ip").id


def orders_of(company_id: str, first: int, count: int, rng: random.Random) -> list[Order]:
    """Orders with many ties (a few distinct times, charges and quantities) and NULLs,
    created at or after T0 + first minutes, so that later batches sort first when newest
    come first."""
    made = []
    for n in range(first, first + count):
        done = rng.random() < 0.7
        made.append(make_order(
            id=f"o{n:04d}-{rng.randrange(10**6):06d}", company_id=company_id, api_order_id=n + 1,
            created_at=T0 + timedelta(minutes=first + rng.randrange(4)),
            quantity=rng.choice((100, 200, 300)),
            charge=rng.choice((Decimal("1.5"), Decimal("2.25"))) if done else None,
            completed_at=T0 + timedelta(hours=rng.randrange(3)) if done else None,
            status=rng.choice((OrderStatus.COMPLETED, OrderStatus.PENDING, OrderStatus.PARTIAL)),
        ))
    return made


def store(uow_factory: Any, orders: list[Order]) -> None:
    with uow_factory() as uow:
        for order in orders:
            uow.orders.add(order)
        uow.commit()


def key(order: Order, sort: str) -> tuple[Any, ...]:
    """The listing's order: the sort value (NULLs last either way), then the id, in the
    sort's direction."""
    value = getattr(order, SORT_ATTRIBUTES[sort.removeprefix("-")])
    value = value.value if isinstance(value, OrderStatus) else value
    return (value is None, value, order.id)


@pytest.mark.parametrize("sort", SORTS)
def test_pages_give_every_order_once_while_orders_arrive(
        uow_factory, company_id: str, sort: str) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(sort)
    first = orders_of(company_id, 0, 23, rng)
    store(uow_factory, first)
    seen: list[Order] = []
    after: OrderCursor | None = None
    for batch in range(1, 100):
        with uow_factory() as uow:
            page = uow.orders.page(OrderQuery(sort=sort), 5, after)
        seen.extend(page.orders)
        assert len(page.orders) == 5 or page.next is None
        if page.next is None:
            break
        after = page.next
        store(uow_factory, orders_of(company_id, 100 * batch, 2, rng))  # new orders arrive
    ids = [o.id for o in seen]
    assert len(ids) == len(set(ids)), "an order was listed twice"
    assert {o.id for o in first} <= set(ids), "an order was skipped"
    descending = sort.startswith("-")
    # NULLs last in both directions; the rest, then the id, in the sort's direction
    nulls = [o for o in seen if key(o, sort)[0]]
    valued = [o for o in seen if not key(o, sort)[0]]
    assert seen == valued + nulls
    for part in (valued, nulls):
        keys = [key(o, sort)[1:] for o in part]
        assert keys == sorted(keys, reverse=descending)


def test_a_page_counts_every_match_and_the_last_page_has_no_cursor(  # type: ignore[no-untyped-def]
        uow_factory, company_id: str) -> None:
    store(uow_factory, orders_of(company_id, 0, 10, random.Random(1)))
    with uow_factory() as uow:
        whole = uow.orders.page(OrderQuery(), 10, None)
        first = uow.orders.page(OrderQuery(), 4, None)
        partial = uow.orders.page(OrderQuery(status=OrderStatus.PARTIAL), 50, None)
    assert whole.total == 10 and whole.next is None and len(whole.orders) == 10
    assert first.total == 10 and first.next is not None
    assert first.next.order_id == first.orders[-1].id
    assert partial.total == len(partial.orders)
    assert all(o.status is OrderStatus.PARTIAL for o in partial.orders)
