"""InMemoryInvoicingUow: a documented in-memory fake of the InvoicingUnitOfWork port.

It keeps its data in an `InvoicingStore` shared by every unit made from one factory, and
behaves like the SQL unit of work: changes are visible to later units only after
`commit()`; leaving the block without it (or by an exception) throws them away, number
counters included (so a rolled-back issue gives its number back)::

    store = InvoicingStore()
    store.orders["o1"] = OrderForInvoice(...)      # what `invoice_sources.order` returns
    factory = store.factory()
    with factory() as uow:
        issue_invoice(uow, request, now, policy)
        uow.commit()
    assert store.invoices["..."].number == "SS/26-27/000001"
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from types import TracebackType
from typing import Self

from attrs import define, evolve, field
from social_scale_core.errors import Conflict
from social_scale_core.invoicing.model import CreditNote, HistoryEntry, Invoice, InvoiceStatus
from social_scale_core.invoicing.numbering import NumberPlan
from social_scale_core.invoicing.ports import InvoiceFilter, OrderForInvoice


@define
class InvoicingStore:
    """The committed state: documents by id, counters by (series, year), history, orders."""

    invoices: dict[str, Invoice] = field(factory=dict)
    credit_notes: dict[str, CreditNote] = field(factory=dict)
    counters: dict[tuple[str, str], int] = field(factory=dict)
    history: list[HistoryEntry] = field(factory=list)
    orders: dict[str, OrderForInvoice] = field(factory=dict)

    def factory(self) -> Callable[[], InMemoryInvoicingUow]:
        return lambda: InMemoryInvoicingUow(self)


def _matches(invoice: Invoice, query: InvoiceFilter) -> bool:
    if query.status is not None and invoice.status_at(query.now) is not query.status:
        return False
    if query.company_id is not None and invoice.company_id != query.company_id:
        return False
    if query.issued_from is not None and invoice.issued_at < query.issued_from:
        return False
    return query.issued_to is None or invoice.issued_at < query.issued_to


class _Invoices:
    def __init__(self, state: InvoicingStore) -> None:
        self._s = state

    def add(self, invoice: Invoice) -> None:
        if invoice.order_id is not None and any(
                i.order_id == invoice.order_id for i in self._s.invoices.values()):
            raise Conflict("This order already has an invoice.")
        self._s.invoices[invoice.id] = copy.deepcopy(invoice)

    def add_numbered(self, invoice: Invoice, plan: NumberPlan, issued: HistoryEntry) -> str:
        """As the SQL store: the insert's Conflict comes before any number is kept."""
        self.add(invoice)
        sequence = _Numbers(self._s).next(plan.series, plan.fiscal_year)
        if sequence > plan.max_sequence:
            raise Conflict("the invoice number series is exhausted")
        number = plan.number(sequence)
        self._s.invoices[invoice.id].number = number
        _History(self._s).record(evolve(issued, note=number))
        return number

    def get(self, invoice_id: str) -> Invoice | None:
        return copy.deepcopy(self._s.invoices.get(invoice_id))

    def get_by_order(self, order_id: str) -> Invoice | None:
        found = [i for i in self._s.invoices.values() if i.order_id == order_id] or [
            i for i in self._s.invoices.values()
            if i.batch_id is not None and i.line_of(order_id) is not None]
        return copy.deepcopy(found[0]) if found else None

    def get_by_batch(self, batch_id: str) -> Invoice | None:
        found = [i for i in self._s.invoices.values() if i.batch_id == batch_id]
        return copy.deepcopy(found[0]) if found else None

    def lock_batch(self, batch_id: str) -> None:
        pass  # one thread at a time in the unit tests

    def add_line(self, invoice: Invoice, position: int) -> None:
        self.update(invoice)

    def update_line(self, invoice: Invoice, position: int) -> None:
        self.update(invoice)

    def get_for_update(self, invoice_id: str) -> Invoice | None:
        return self.get(invoice_id)

    def get_with_credit_notes(self, invoice_id: str) -> tuple[Invoice, list[CreditNote]] | None:
        invoice = self.get(invoice_id)
        return None if invoice is None else (invoice, _CreditNotes(self._s).for_invoice(invoice_id))

    def update(self, invoice: Invoice) -> None:
        assert invoice.id in self._s.invoices
        self._s.invoices[invoice.id] = copy.deepcopy(invoice)

    def _found(self, query: InvoiceFilter) -> list[Invoice]:
        overdue = query.status is InvoiceStatus.OVERDUE  # most recently due first
        return sorted((i for i in self._s.invoices.values() if _matches(i, query)),
                      key=lambda i: (i.due_at if overdue else i.issued_at, i.number),
                      reverse=True)

    def list(self, query: InvoiceFilter) -> tuple[list[Invoice], int]:
        found = self._found(query)
        page = found[query.offset: query.offset + query.limit]
        return [copy.deepcopy(i) for i in page], len(found)

    def sums(self, query: InvoiceFilter) -> tuple[dict[str, Decimal], int]:
        found = self._found(query)
        if query.count_upto is not None:
            found = found[:query.count_upto + 1]
        totals: dict[str, Decimal] = {}
        for invoice in found:
            totals[invoice.currency] = totals.get(invoice.currency, Decimal(0)) + invoice.total
        return totals, len(found)


class _CreditNotes:
    def __init__(self, state: InvoicingStore) -> None:
        self._s = state

    def add(self, note: CreditNote) -> None:
        self._s.credit_notes[note.id] = note

    def get(self, note_id: str) -> CreditNote | None:
        return self._s.credit_notes.get(note_id)

    def for_invoice(self, invoice_id: str) -> list[CreditNote]:
        notes = [n for n in self._s.credit_notes.values() if n.invoice_id == invoice_id]
        return sorted(notes, key=lambda n: (n.issued_at, n.number))


class _Numbers:
    def __init__(self, state: InvoicingStore) -> None:
        self._s = state

    def next(self, series: str, fiscal_year: str) -> int:
        key = (series, fiscal_year)
        self._s.counters[key] = self._s.counters.get(key, 0) + 1
        return self._s.counters[key]


class _History:
    def __init__(self, state: InvoicingStore) -> None:
        self._s = state

    def record(self, entry: HistoryEntry) -> None:
        self._s.history.append(entry)

    def for_invoice(self, invoice_id: str) -> list[HistoryEntry]:
        return [e for e in self._s.history if e.invoice_id == invoice_id]


class _Sources:
    def __init__(self, state: InvoicingStore) -> None:
        self._s = state

    def order(self, order_id: str) -> OrderForInvoice | None:
        return self._s.orders.get(order_id)

    def company_exists(self, company_id: str) -> bool:
        return any(o.company_id == company_id for o in self._s.orders.values())


class InMemoryInvoicingUow:
    """One unit of work over a working copy of the store, published on `commit()`."""

    def __init__(self, store: InvoicingStore) -> None:
        self._store = store

    def __enter__(self) -> Self:
        self._bind()
        return self

    def _bind(self) -> None:
        self._work = copy.deepcopy(self._store)
        self.invoices = _Invoices(self._work)
        self.credit_notes = _CreditNotes(self._work)
        self.invoice_numbers = _Numbers(self._work)
        self.invoice_history = _History(self._work)
        self.invoice_sources = _Sources(self._work)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        for name in ("invoices", "credit_notes", "counters", "history", "orders"):
            setattr(self._store, name, copy.deepcopy(getattr(self._work, name)))

    def rollback(self) -> None:
        self._bind()
