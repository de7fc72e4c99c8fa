"""A world for order use-case tests: SQL storage (SQLite or PostgreSQL, via `uow_factory`),
the InMemoryProvider panel, the stored catalog loaded from it, a frozen clock, a company.

    @pytest.fixture
    def world(uow_factory) -> OrderWorld:
        return OrderWorld(uow_factory)

    def test_x(world: OrderWorld) -> None:
        placed = place_order(world.ports, world.draft(quantity=100), key="k1")
        assert world.panel.calls["add"] == 1
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from attrs import evolve
from social_scale_core.clock import FrozenClock
from social_scale_core.companies import service as companies
from social_scale_core.companies.model import Company, CompanyDetails
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.invoicing import BillingParty, Invoice, InvoicePolicy
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.links import NETWORK_HOSTS
from social_scale_core.orders.model import Order, OrderParams
from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.orders.ports import OrderQuery
from social_scale_core.panel.catalog import CatalogPorts, StoredCatalog
from social_scale_core.panel.provider import Service

from tests.fakes.provider import InMemoryProvider

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
FOLLOWERS = 2124  # Default, 10..100000, 269.9230 INR per 1000, refill
POLICY = InvoicePolicy(seller=BillingParty("Social Scale LLP", gstin="29ABCDE1234F1Z5",
                                           state_code="29"))


class OrderWorld:
    def __init__(self, uow_factory: Any, panel: InMemoryProvider | None = None) -> None:
        self.clock = FrozenClock(NOW)
        self.panel = panel or InMemoryProvider()
        self.catalog = StoredCatalog(CatalogPorts(uow_factory, self.panel, self.clock,
                                                  refresh_every=timedelta(days=1)))
        self.uow = uow_factory
        self.sleeps: list[float] = []
        self.ports = OrderPorts(
            uow=uow_factory, provider=self.panel, catalog=self.catalog, clock=self.clock,
            invoice_policy=POLICY, sleep=self.sleeps.append, settle_wait=0.5, poll_every=0.1,
        )
        self.company = self.add_company()

    def add_company(self, **details: Any) -> Company:
        ports = CompanyPorts(uow=self.uow, clock=self.clock)
        values = {"name": "Client Corp", "gstin": "27ABCDE1234F1Z5", **details}
        pricing = {"default_invoice_multiplier": values.pop("default_invoice_multiplier", None)}
        made = companies.create_company(ports, CompanyDetails(**values), "127.0.0.1")
        if pricing["default_invoice_multiplier"] is None:
            return made
        return companies.update_company(ports, made.id, pricing)  # admin-only: priced later

    def delete_company(self, company_id: str) -> None:
        companies.delete_company(CompanyPorts(uow=self.uow, clock=self.clock), company_id)

    def draft(self, quantity: int = 100, service: int = FOLLOWERS,
              link: str | None = None, multiplier: str | None = None,
              company_id: str | None = None, **params: Any) -> OrderDraft:
        return OrderDraft(
            company_id=company_id or self.company.id, service=service,
            link=link or self.link_for(service),
            quantity=quantity, invoice_multiplier=Decimal(multiplier) if multiplier else None,
            params=OrderParams(**params),
        )

    def link_for(self, service: int) -> str:
        """A link of the service's network (`instagram.com/client` for Instagram)."""
        known = self.panel.catalog.get(service)
        hosts = NETWORK_HOSTS.get(known.network if known else "", ("client-site.example.org",))
        return f"{hosts[0]}/client"

    def service_where(self, **flags: Any) -> Service:
        """A Default service of the panel's catalog with these refill/cancel flags."""
        return next(s for s in self.panel.catalog.values()
                    if s.type == "Default" and s.min <= 100 <= s.max
                    and all(getattr(s, k) == v for k, v in flags.items()))

    def with_ports(self, **changes: Any) -> OrderWorld:
        self.ports = evolve(self.ports, **changes)
        return self

    def orders(self) -> list[Order]:
        with self.uow() as uow:
            return sorted(uow.orders.list(_all(), 1000, 0)[0], key=lambda o: o.created_at)

    def invoice_of(self, order_id: str) -> Invoice | None:
        with self.uow() as uow:
            invoice: Invoice | None = uow.invoices.get_by_order(order_id)
            return invoice


def _all() -> OrderQuery:
    return OrderQuery(sort="createdAt")
