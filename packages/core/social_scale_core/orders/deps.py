"""What the order use cases are given: storage, panel, catalog, clock and invoice policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from attrs import frozen

from social_scale_core.clock import Clock
from social_scale_core.companies.model import Company
from social_scale_core.errors import NotFound
from social_scale_core.invoicing.model import BillingParty, InvoicePolicy
from social_scale_core.orders.model import Order
from social_scale_core.orders.ports import OrdersUnitOfWork, OrdersUowFactory, ServiceLookup
from social_scale_core.ports.provider import Provider


@frozen
class OrderPorts:
    """`settle_wait` bounds how long a repeated request waits for the first one's outcome;
    a `submitting` order older than `stale_after` is taken to have lost its answer.
    `reads` gives units for work that writes nothing (cheaper where the storage allows:
    no transaction); None: `uow`."""

    uow: OrdersUowFactory
    provider: Provider
    catalog: ServiceLookup
    clock: Clock
    invoice_policy: InvoicePolicy
    provider_id: str | None = None
    sleep: Callable[[float], None] = time.sleep
    settle_wait: float = 10.0
    poll_every: float = 0.05
    stale_after: timedelta = timedelta(minutes=5)
    reads: OrdersUowFactory | None = None


def buyer_of(company: Company) -> BillingParty:
    d = company.details
    return BillingParty(name=d.name, gstin=d.gstin, state_code=d.state_code,
                        address=d.address, email=d.email)


def load(uow: OrdersUnitOfWork, order_id: str, *, for_update: bool = False) -> Order:
    order = uow.orders.get(order_id, for_update=for_update)
    if order is None:
        raise NotFound(f"No order with id {order_id}.")
    return order


def load_by_api_id(uow: OrdersUnitOfWork, api_order_id: int) -> Order:
    order = uow.orders.by_api_id(api_order_id)
    if order is None:
        raise NotFound(f"No order with apiOrderId {api_order_id} is recorded here.")
    return order


def settle_wait_polls(ports: OrderPorts) -> int:
    return max(1, int(ports.settle_wait / ports.poll_every)) if ports.poll_every > 0 else 1

