"""The orders repository on SQLite and PostgreSQL: exact round trip, the unique keys, the
invoice link, filters, sorting and statistics summed exactly in SQL."""

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
from social_scale_core.invoicing import BillingParty, InvoiceRequest, issue_invoice
from social_scale_core.orders.model import OrderParams, ServiceInfo
from social_scale_core.orders.ports import OrderQuery
from social_scale_core.panel.provider import OrderStatus

from tests.order_world import POLICY
from tests.unit.order_builders import T0, make_order

S = OrderStatus


@pytest.fixture
def company_id(uow_factory) -> str:  # type: ignore[no-untyped-def]
    ports = CompanyPorts(uow=uow_factory, clock=FrozenClock(T0))
    return companies.create_company(ports, CompanyDetails(name="C"), "ip").id


def store(uow_factory: Any, *orders: Any) -> None:
    with uow_factory() as uow:
        for order in orders:
            uow.orders.add(order)
        uow.commit()


def test_every_field_round_trips(uow_factory, company_id: str) -> None:  # type: ignore[no-untyped-def]
    order = make_order(
        id="o1", company_id=company_id, api_order_id=2**40, quantity=50,
        params=OrderParams(runs=3, interval=15, comments="a\nb", usernames="u1\nu2",
                           hashtags="#x", username="me", media="https://m/1",
                           answer_number="2", keywords="k"),
        cost=Decimal("40.48845"), charge=Decimal("0.27819"), status=S.PARTIAL,
        provider_status="Partial", start_count=3_000_000_000, remains=-5,
        invoice_multiplier=Decimal("7.5"), idempotency_key="k" * 255, request_fingerprint="f" * 64,
        error_code="x", error_message="m", refill_id="9", refill_status="Pending",
        completed_at=T0 + timedelta(hours=1), last_checked_at=T0 + timedelta(hours=2),
    )
    store(uow_factory, order)
    with uow_factory() as uow:
        assert uow.orders.get("o1") == order
        assert uow.orders.by_api_id(2**40) == order and uow.orders.by_key("k" * 255) == order
        assert uow.orders.by_api_ids([2**40, 5]) == {2**40: order}


def test_unique_keys_are_enforced_by_the_database(uow_factory, company_id: str) -> None:  # type: ignore[no-untyped-def]
    store(uow_factory, make_order(id="a", company_id=company_id, api_order_id=1,
                                  idempotency_key="k"))
    for clash, field in [({"idempotency_key": "k", "api_order_id": 2}, "idempotencyKey"),
                         ({"api_order_id": 1}, "apiOrderId")]:
        with pytest.raises(DuplicateOrder) as exc:
            store(uow_factory, make_order(id="b", company_id=company_id, **clash))
        assert exc.value.field == field
    store(uow_factory, make_order(id="c", company_id=company_id, api_order_id=None),
          make_order(id="d", company_id=company_id, api_order_id=None))  # NULLs never clash


def test_the_invoice_shows_on_its_order(uow_factory, company_id: str) -> None:  # type: ignore[no-untyped-def]
    store(uow_factory, make_order(id="o1", company_id=company_id))
    with uow_factory() as uow:
        invoice = issue_invoice(uow, InvoiceRequest(
            "o1", company_id, "INR", Decimal("1"), Decimal("8"), "x", 100,
            BillingParty("C")), T0, POLICY)
        uow.commit()
    with uow_factory() as uow:
        assert uow.orders.get("o1").invoice_id == invoice.id  # type: ignore[union-attr]


def _catalogue(company_id: str, other: str) -> list[Any]:
    tiktok = ServiceInfo(7, "Views", "Default", "TikTok", Decimal("1.19"))
    return [
        make_order(id="a", company_id=company_id, api_order_id=1, cost=Decimal("0.00000001"),
                   charge=Decimal("1.5"), link="https://instagram.com/Brand_1"),
        make_order(id="b", company_id=company_id, api_order_id=2, cost=Decimal("2.12345678"),
                   status=S.COMPLETED, service=tiktok, link="https://tiktok.com/@x",
                   created_at=T0 + timedelta(days=1)),
        make_order(id="c", company_id=other, api_order_id=3, cost=Decimal("5"),
                   currency="USD", charge=Decimal("4.99999999"), allow_below_cost=True,
                   created_at=T0 + timedelta(days=2)),
        make_order(id="d", company_id=company_id, api_order_id=None, cost=Decimal("100"),
                   status=S.FAILED, created_at=T0 + timedelta(days=3)),
    ]


@pytest.fixture
def many(uow_factory, company_id: str) -> None:  # type: ignore[no-untyped-def]
    ports = CompanyPorts(uow=uow_factory, clock=FrozenClock(T0))
    other = companies.create_company(ports, CompanyDetails(name="O"), "ip").id
    store(uow_factory, *_catalogue(company_id, other))


def ids(uow_factory: Any, **query: Any) -> list[str]:
    with uow_factory() as uow:
        items, total = uow.orders.list(OrderQuery(**query), 50, 0)
    assert total == len(items)
    return [o.id for o in items]


@pytest.mark.usefixtures("many")
def test_filters_and_sorting(uow_factory, company_id: str) -> None:  # type: ignore[no-untyped-def]
    assert ids(uow_factory) == ["d", "c", "b", "a"]
    assert ids(uow_factory, sort="cost") == ["a", "b", "c", "d"]
    assert ids(uow_factory, sort="-charge") == ["c", "a", "b", "d"]  # no charge: last
    assert ids(uow_factory, status=S.COMPLETED) == ["b"]
    assert ids(uow_factory, company_id=company_id, sort="createdAt") == ["a", "b", "d"]
    assert ids(uow_factory, service=7) == ["b"] and ids(uow_factory, network="tiktok") == ["b"]
    assert ids(uow_factory, link_contains="BRAND_1") == ["a"]
    assert ids(uow_factory, link_contains="_") == ["a"]  # literal, not a wildcard
    assert ids(uow_factory, created_from=T0 + timedelta(days=1),
               created_to=T0 + timedelta(days=2)) == ["c", "b"]
    assert ids(uow_factory, allow_below_cost=True) == ["c"]
    assert ids(uow_factory, allow_below_cost=False, sort="cost") == ["a", "b", "d"]
    assert ids(uow_factory, status=S.COMPLETED, network=" TikTok ") == ["b"]
    assert ids(uow_factory, network="tiktok", sort="cost") == ["b"]  # same shape, cached
    with uow_factory() as uow:
        page, total = uow.orders.list(OrderQuery(sort="createdAt"), 2, 1)
    assert total == 4 and [o.id for o in page] == ["b", "c"]


@pytest.mark.usefixtures("many")
def test_heads_read_each_listing_as_its_own_page_would(  # type: ignore[no-untyped-def]
        uow_factory, company_id: str) -> None:
    queries = [(OrderQuery(status=S.PENDING, sort="createdAt"), 1), (OrderQuery(), 3),
               (OrderQuery(status=S.CANCELED), 10), (OrderQuery(company_id=company_id), 2),
               (OrderQuery(sort="cost"), 4)]
    with uow_factory() as uow:
        heads = uow.orders.heads(queries)
        pages = [uow.orders.list(query, limit, 0)[0] for query, limit in queries]
    assert [list(h) for h in heads] == pages
    assert [len(h) for h in heads] == [1, 3, 0, 2, 4]


@pytest.mark.usefixtures("many")
def test_stats_are_exact_per_currency_and_network(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        stats = uow.orders.stats(OrderQuery())
    assert stats.total == 4
    assert stats.by_status == {"pending": 2, "completed": 1, "failed": 1}
    inr, usd = stats.totals
    assert (inr.currency, inr.orders, inr.cost, inr.charge) == (
        "INR", 2, Decimal("2.12345679"), Decimal("1.5"))
    assert (usd.currency, usd.cost, usd.charge) == ("USD", Decimal("5"), Decimal("4.99999999"))
    assert [(n.network, n.currency, n.orders) for n in stats.by_network] == [
        ("Instagram", "INR", 1), ("Instagram", "USD", 1), ("TikTok", "INR", 1)]
    with uow_factory() as uow:
        only_failed = uow.orders.stats(OrderQuery(status=S.FAILED))
    assert only_failed.total == 1 and only_failed.totals == ()  # never reached the panel


def test_save_writes_back_what_changes(uow_factory, company_id: str) -> None:  # type: ignore[no-untyped-def]
    order = make_order(id="o1", company_id=company_id, status=S.SUBMITTING, api_order_id=None)
    store(uow_factory, order)
    changed = evolve(order, status=S.PENDING, api_order_id=77, error_message=None,
                     updated_at=T0 + timedelta(seconds=5))
    with uow_factory() as uow:
        locked = uow.orders.get("o1", for_update=True)
        assert locked == order
        uow.orders.save(changed)
        uow.commit()
    with uow_factory() as uow:
        assert uow.orders.get("o1") == changed


def test_list_totals_from_the_rollup_equal_a_count(  # type: ignore[no-untyped-def]
        uow_factory, engine, company_id: str) -> None:
    """Unfiltered, per-status and per-service totals come from the analytics rollup
    (no count(*) over every order): they follow inserts and status changes, folded or not."""
    from social_scale_adapters.db.analytics.rollup import fold
    from social_scale_adapters.db.orders.order_table import orders as table
    from sqlalchemy import func, select

    def check() -> None:
        with engine.connect() as conn:
            rows = conn.execute(select(table.c.status, table.c.service_id)).all()
        with uow_factory() as uow:
            assert uow.orders.list(OrderQuery(), 1, 0)[1] == len(rows)
            for status in S:
                assert uow.orders.list(OrderQuery(status=status), 1, 0)[1] == sum(
                    1 for r in rows if r.status == status.value)
            for service in (1, 2, 3):
                assert uow.orders.list(OrderQuery(service=service), 1, 0)[1] == sum(
                    1 for r in rows if r.service_id == service)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(table)).scalar() == len(rows)

    made = [make_order(id=f"o{k}", company_id=company_id, api_order_id=k + 1,
                       service=ServiceInfo(k % 3 + 1, "S", "Default", "Instagram",
                                           Decimal("1")),
                       status=(S.PENDING, S.COMPLETED)[k % 2]) for k in range(9)]
    store(uow_factory, *made[:5])
    check()
    with engine.begin() as conn:
        fold(conn)
    store(uow_factory, *made[5:])
    with uow_factory() as uow:
        order = uow.orders.get("o0")
        uow.orders.save(evolve(order, status=S.CANCELED))  # type: ignore[arg-type]
        uow.commit()
    check()
    with engine.begin() as conn:
        fold(conn)
    check()
