"""Invoicing storage backends for contract tests: in-memory fake, SQLite, PostgreSQL.

Each backend gives a unit-of-work factory and `order(...)`, which records an order (and its
company) the way the orders area would, so that invoices can reference it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from social_scale_adapters.db.engine import make_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.invoicing.model import BillingParty
from social_scale_core.invoicing.ports import OrderForInvoice
from sqlalchemy import Engine

from tests.conftest import _truncate_all
from tests.fakes.invoicing import InvoicingStore
from tests.invoice_seed import seed_company, seed_order


class MemoryBackend:
    name = "memory"

    def __init__(self) -> None:
        self.store = InvoicingStore()
        self.factory: Callable[[], Any] = self.store.factory()

    def order(self, *, cost: str = "9.998", quantity: int = 1000, status: str = "completed",
              remains: int | None = 0, company_id: str = "c1",
              buyer: BillingParty | None = None, multiplier: Decimal | None = None) -> str:
        order_id = f"o{len(self.store.orders) + 1}"
        self.store.orders[order_id] = OrderForInvoice(
            order_id=order_id, company_id=company_id, currency="INR", cost=Decimal(cost),
            quantity=quantity, description="Instagram Followers [Refill 30D]", status=status,
            remains=remains, buyer=buyer or BillingParty("Café Ünïcode Pvt. Ltd."),
            default_multiplier=multiplier,
        )
        return order_id


class SqlBackend:
    def __init__(self, name: str, engine: Engine) -> None:
        self.name = name
        self.engine = engine
        sessions = make_session_factory(engine)
        self.factory: Callable[[], Any] = lambda: SqlUnitOfWork(sessions)
        self._companies: dict[str, str] = {}

    def order(self, *, cost: str = "9.998", quantity: int = 1000, status: str = "completed",
              remains: int | None = 0, company_id: str = "c1",
              buyer: BillingParty | None = None, multiplier: Decimal | None = None) -> str:
        buyer = buyer or BillingParty("Café Ünïcode Pvt. Ltd.")
        with self.engine.begin() as conn:
            if company_id not in self._companies:
                self._companies[company_id] = seed_company(
                    conn, name=buyer.name, gstin=buyer.gstin, state_code=buyer.state_code,
                    multiplier=multiplier, company_id=company_id)
            return seed_order(conn, company_id, cost=cost, quantity=quantity, status=status,
                              remains=remains)


Backend = MemoryBackend | SqlBackend


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        yield MemoryBackend()
        return
    if request.param == "sqlite":
        path = tmp_path / "invoicing.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url, pool_size=10)
    try:
        yield SqlBackend(request.param, engine)
    finally:
        if request.param == "postgresql":
            _truncate_all(engine)
        engine.dispose()
