"""The orders repository's batch calls of the status sync (SQLite and PostgreSQL): lock
many rows in one call, write many back at once, with the unique panel id still guarded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from attrs import evolve
from social_scale_core.clock import FrozenClock
from social_scale_core.companies import service as companies
from social_scale_core.companies.model import CompanyDetails
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.errors import DuplicateOrder
from social_scale_core.panel.provider import OrderStatus as S

from tests.unit.order_builders import T0, make_order


@pytest.fixture
def company_id(uow_factory) -> str:  # type: ignore[no-untyped-def]
    ports = CompanyPorts(uow=uow_factory, clock=FrozenClock(T0))
    return companies.create_company(ports, CompanyDetails(name="C"), "ip").id


@pytest.fixture
def stored(uow_factory: Any, company_id: str) -> list[Any]:
    orders = [make_order(id=f"o{k}", company_id=company_id, api_order_id=100 + k,
                         status=S.PENDING) for k in range(5)]
    with uow_factory() as uow:
        for order in orders:
            uow.orders.add(order)
        uow.commit()
    return orders


def test_lock_many_returns_the_orders_found_whatever_the_order_asked(
        uow_factory: Any, stored: list[Any]) -> None:
    with uow_factory() as uow:
        locked = uow.orders.lock_many(["o3", "missing", "o0", "o3", "o1"])
    assert list(locked) == ["o0", "o1", "o3"]  # id order, unknown ids left out
    assert locked == {o.id: o for o in stored if o.id in ("o0", "o1", "o3")}
    with uow_factory() as uow:
        assert uow.orders.lock_many([]) == {}


def test_save_many_writes_back_every_changed_field(uow_factory: Any, stored: list[Any]) -> None:
    later = T0 + timedelta(minutes=3)
    changed = [
        evolve(stored[0], status=S.PARTIAL, remains=40, charge=Decimal("1.23456789"),
               provider_status="Partial", start_count=7, completed_at=later,
               last_checked_at=later, updated_at=later, refill_status="Completed"),
        evolve(stored[2], status=S.IN_PROGRESS, remains=None, last_checked_at=later,
               updated_at=later, error_code="x", error_message="m"),
    ]
    with uow_factory() as uow:
        uow.orders.save_many(changed)
        uow.orders.save_many([])
        uow.commit()
    with uow_factory() as uow:
        assert [uow.orders.get(o.id) for o in stored] == [
            changed[0], stored[1], changed[1], stored[3], stored[4]]


def test_save_many_refuses_a_panel_id_another_order_has(uow_factory: Any,
                                                        stored: list[Any]) -> None:
    with uow_factory() as uow, pytest.raises(DuplicateOrder) as caught:
        uow.orders.save_many([evolve(stored[0], remains=1),
                              evolve(stored[1], api_order_id=stored[4].api_order_id)])
    assert caught.value.field == "apiOrderId"
    with uow_factory() as uow:
        assert uow.orders.get("o0") == stored[0]
