"""Invoice numbers under concurrency: distinct, consecutive, and no gap from rollbacks."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from social_scale_core.invoicing import BillingParty, InvoicePolicy, InvoiceRequest, issue_invoice

from tests.contract.invoicing_backends import SqlBackend, backend  # noqa: F401

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
POLICY = InvoicePolicy(seller=BillingParty("Social Scale"))
WORKERS = 200


class Doomed(Exception):
    """Raised inside a transaction after its invoice took a number, to roll it back."""


def _create(db: SqlBackend, order_id: str, fail: bool, start: threading.Barrier) -> str:
    start.wait()
    with db.factory() as uow:
        invoice = issue_invoice(uow, InvoiceRequest(
            order_id, "c1", "INR", Decimal("1.25"), Decimal(8), "Likes", 100,
            BillingParty("Café Ünïcode Pvt. Ltd.")), NOW, POLICY)
        if fail:
            raise Doomed(invoice.number)
        uow.commit()
    return invoice.number


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)],
                         indirect=True)
def test_200_concurrent_creations_get_200_consecutive_numbers(backend: SqlBackend) -> None:  # noqa: F811
    orders = [backend.order() for _ in range(WORKERS + 20)]
    failing = set(range(WORKERS, WORKERS + 20))  # 20 more transactions that roll back
    start = threading.Barrier(len(orders))
    with ThreadPoolExecutor(max_workers=len(orders)) as pool:
        futures = [pool.submit(_create, backend, order_id, i in failing, start)
                   for i, order_id in enumerate(orders)]
    numbers = [f.result() for i, f in enumerate(futures) if i not in failing]
    assert all(isinstance(futures[i].exception(), Doomed) for i in failing)
    sequence = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
    assert sequence == list(range(1, WORKERS + 1))
    assert all(n.startswith("SS/26-27/") and len(n) == 15 for n in numbers)
    with backend.factory() as uow:
        assert uow.invoice_numbers.next("SS", "26-27") == WORKERS + 1
