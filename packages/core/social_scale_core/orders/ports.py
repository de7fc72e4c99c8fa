"""Storage port of the orders area, with the filters and statistics it answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from attrs import frozen

from social_scale_core.companies.ports import CompanyRepository
from social_scale_core.invoicing.ports import InvoicingUnitOfWork
from social_scale_core.orders.model import Order, StatusChange
from social_scale_core.panel.catalog.model import CatalogEntry
from social_scale_core.panel.provider import OrderStatus, Service

SORT_FIELDS = ("createdAt", "updatedAt", "completedAt", "cost", "charge", "quantity", "status")
# The Order attribute each sort field orders by (a keyset cursor carries its value).
SORT_ATTRIBUTES = {"createdAt": "created_at", "updatedAt": "updated_at",
                   "completedAt": "completed_at", "cost": "cost", "charge": "charge",
                   "quantity": "quantity", "status": "status"}
SortValue = datetime | Decimal | int | str | None


@frozen
class OrderQuery:
    """Filters of the order listings and statistics; None means any."""

    status: OrderStatus | None = None
    company_id: str | None = None
    service: int | None = None
    network: str | None = None
    link_contains: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    allow_below_cost: bool | None = None  # placed with allowBelowCost (True) or without
    sort: str = "-createdAt"  # one of SORT_FIELDS, "-" for descending


@frozen
class OrderCursor:
    """A keyset position in a listing: the page goes on after the order with this sort
    value (None: a NULL, which sorts last either way) and this id (the tie-breaker)."""

    value: SortValue
    order_id: str


def cursor_of(order: Order, sort: str) -> OrderCursor:
    """The cursor just after `order` in a listing sorted by `sort`."""
    value = getattr(order, SORT_ATTRIBUTES[sort.removeprefix("-")])
    return OrderCursor(value.value if isinstance(value, OrderStatus) else value, order.id)


@frozen
class OrderPage:
    """A page of a keyset listing: its orders, the number matching in all, and where the
    next page starts (None on the last page)."""

    orders: tuple[Order, ...]
    total: int
    next: OrderCursor | None


@frozen
class MoneyTotals:
    """Sums over orders that reached the panel (an apiOrderId), in one currency."""

    currency: str
    orders: int
    cost: Decimal
    charge: Decimal


@frozen
class NetworkTotals:
    network: str
    currency: str
    orders: int
    cost: Decimal
    charge: Decimal


@frozen
class OrderStats:
    total: int
    by_status: dict[str, int]
    totals: tuple[MoneyTotals, ...]
    by_network: tuple[NetworkTotals, ...]


class OrderRepository(Protocol):
    """Orders by internal id, by the panel's id and by idempotency key.

    `add` raises DuplicateOrder("idempotencyKey" | "apiOrderId") when the storage already
    holds that key or panel id: the unique constraints decide, so of concurrent inserts
    with one key exactly one commits.
    """

    def add(self, order: Order) -> None: ...

    def batch_of(self, order_id: str) -> str | None:
        """The mass order the order was placed as a line of, if any."""
        ...

    def get(self, order_id: str, *, for_update: bool = False) -> Order | None:
        """`for_update` locks the row until the unit of work ends (where supported)."""
        ...

    def lock_many(self, order_ids: Sequence[str]) -> dict[str, Order]:
        """The orders found among `order_ids`, their rows locked until the unit of work
        ends. The locks are taken in id order (one statement), so concurrent calls with
        overlapping ids never deadlock (where supported)."""
        ...

    def by_api_id(self, api_order_id: int) -> Order | None: ...

    def by_api_ids(self, api_order_ids: Sequence[int]) -> dict[int, Order]: ...

    def by_key(self, idempotency_key: str) -> Order | None: ...

    def save(self, order: Order) -> None:
        """Write back every mutable field; DuplicateOrder("apiOrderId") on a taken panel id."""
        ...

    def save_many(self, orders: Sequence[Order]) -> None:
        """`save` for many orders at once (one statement executed for each)."""
        ...

    def list(self, query: OrderQuery, limit: int, offset: int) -> tuple[list[Order], int]: ...

    def page(self, query: OrderQuery, limit: int, after: OrderCursor | None) -> OrderPage:
        """Up to `limit` orders sorted by `query.sort` then by id in the same direction
        (NULLs last), strictly after `after`: a stable order, so that pages neither repeat
        nor skip an order while new ones arrive, and each page costs the same however
        deep it is (no OFFSET)."""
        ...

    def heads(self, queries: Sequence[tuple[OrderQuery, int]]) -> Sequence[Sequence[Order]]:
        """The first orders of each listing, as many as its limit (no counts), at once."""
        ...

    def status_history(self, order_id: str) -> Sequence[StatusChange]:
        """Every change of the order's status, oldest first (recorded by `save`)."""
        ...

    def stats(self, query: OrderQuery) -> OrderStats:
        """Counts by status, and cost/charge totals per currency and per network (in SQL)."""
        ...


class ServiceLookup(Protocol):
    """The stored catalog of the panel, by service id.

    May raise a ProviderError when the catalog was never loaded and cannot be fetched.
    """

    def get(self, service_id: int) -> Service | None:
        """The service as last listed (a removed one too), None if never listed."""
        ...

    def entry(self, service_id: int) -> CatalogEntry | None:
        """The service and when the panel stopped listing it (None if it still does)."""
        ...


class OrdersUnitOfWork(InvoicingUnitOfWork, Protocol):
    """Orders, their companies and their invoices, in one transaction (read-only members,
    so that a UoW holding concrete repositories satisfies them)."""

    @property
    def companies(self) -> CompanyRepository: ...

    @property
    def orders(self) -> OrderRepository: ...


OrdersUowFactory = Callable[[], OrdersUnitOfWork]
