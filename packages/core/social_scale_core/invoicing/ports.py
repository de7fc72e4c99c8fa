"""Ports of the invoicing area: documents, number series, history, and the order lookup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from attrs import frozen

from social_scale_core.invoicing.model import (
    BillingParty,
    CreditNote,
    HistoryEntry,
    Invoice,
    InvoiceStatus,
)
from social_scale_core.ports.uow import UnitOfWork

if TYPE_CHECKING:
    from social_scale_core.invoicing.numbering import NumberPlan


@frozen
class InvoiceFilter:
    """Listing filters; `status` may be `overdue`, judged at `now`."""

    now: datetime
    status: InvoiceStatus | None = None
    company_id: str | None = None
    issued_from: datetime | None = None
    issued_to: datetime | None = None
    limit: int = 50
    offset: int = 0
    # Count at most this many + 1 (a total above it means "more than"); None: count all.
    # A list page needs no exact count of a million invoices.
    count_upto: int | None = None


class InvoiceRepository(Protocol):
    """Invoices with their lines, inside the unit of work's transaction."""

    def add(self, invoice: Invoice) -> None:
        """Store a new invoice; raise Conflict if its order already has one."""
        ...

    def add_numbered(self, invoice: Invoice, plan: NumberPlan, issued: HistoryEntry) -> str:
        """Store a new invoice with the next number of `plan`'s series, its lines and the
        history entry `issued` (whose note becomes the number); return the number.

        The number is taken last, as NumberSeries.next takes it (its row stays locked
        until the transaction ends; a rollback gives it back), so the lock is held for as
        little as the store allows (PostgreSQL: one statement writes it all). Raise
        Conflict if the order already has an invoice, and if the series has run past
        `plan.max_sequence`.
        """
        ...

    def get(self, invoice_id: str) -> Invoice | None: ...

    def get_by_order(self, order_id: str) -> Invoice | None:
        """The order's invoice: its own, or its mass order's (which has a line for it)."""
        ...

    def get_by_batch(self, batch_id: str) -> Invoice | None:
        """The one invoice of a mass order, or None while none of its lines was placed."""
        ...

    def lock_batch(self, batch_id: str) -> None:
        """Lock the mass order until the transaction ends (its lines join its invoice one
        at a time)."""
        ...

    def add_line(self, invoice: Invoice, position: int) -> None:
        """Save the invoice's figures and its new line at `position`."""
        ...

    def update_line(self, invoice: Invoice, position: int) -> None:
        """Save the invoice's status and figures and its line at `position` (no other)."""
        ...

    def get_with_credit_notes(self, invoice_id: str) -> tuple[Invoice, list[CreditNote]] | None:
        """The invoice and its credit notes (oldest first), read at once (one SQL query)."""
        ...

    def get_for_update(self, invoice_id: str) -> Invoice | None:
        """Like `get`, but locks the row until the transaction ends (no lost updates)."""
        ...

    def update(self, invoice: Invoice) -> None:
        """Save status, dates, amounts and lines of an existing invoice."""
        ...

    def list(self, query: InvoiceFilter) -> tuple[list[Invoice], int]:
        """One page (newest first) and the number of invoices that match in all."""
        ...

    def sums(self, query: InvoiceFilter) -> tuple[dict[str, Decimal], int]:
        """The totals per currency of the invoices matching the filter (its page aside),
        and their number; over at most `count_upto` + 1 of them when it is set."""
        ...


class CreditNoteRepository(Protocol):
    """Credit notes, linked to the invoice they credit."""

    def add(self, note: CreditNote) -> None: ...

    def get(self, note_id: str) -> CreditNote | None:
        """The credit note with this id, or None (an invoice's id is not a credit note's)."""
        ...

    def for_invoice(self, invoice_id: str) -> list[CreditNote]:
        """The invoice's credit notes, oldest first."""
        ...


class NumberSeries(Protocol):
    """Consecutive counters per (series, financial year).

    `next` increments the counter inside the caller's transaction and holds its row lock
    until that transaction ends: concurrent callers wait, and a rolled-back transaction
    gives its number back, so numbers are gapless and never repeat.
    """

    def next(self, series: str, fiscal_year: str) -> int: ...


class InvoiceHistory(Protocol):
    """Append-only log of every change to an issued invoice."""

    def record(self, entry: HistoryEntry) -> None: ...

    def for_invoice(self, invoice_id: str) -> list[HistoryEntry]:
        """The invoice's entries, oldest first."""
        ...


@frozen
class OrderForInvoice:
    """What invoicing reads about an order and its company to bill it."""

    order_id: str
    company_id: str
    currency: str
    cost: Decimal
    quantity: int
    description: str
    status: str
    remains: int | None
    buyer: BillingParty
    default_multiplier: Decimal | None = None  # the company's, if it has its own
    allow_below_cost: bool = False  # the order allows a multiplier below the floor


class InvoiceSources(Protocol):
    """Read-only view of orders and companies, for invoices created after the fact."""

    def order(self, order_id: str) -> OrderForInvoice | None: ...

    def company_exists(self, company_id: str) -> bool:
        """True for a company that was ever created (soft-deleted ones too: their
        invoices stay)."""
        ...


class InvoicingUnitOfWork(UnitOfWork, Protocol):
    """The repositories invoicing needs, all in one transaction."""

    invoices: InvoiceRepository
    credit_notes: CreditNoteRepository
    invoice_numbers: NumberSeries
    invoice_history: InvoiceHistory
    invoice_sources: InvoiceSources



class InvoiceRenderer(Protocol):
    """Renders an invoice as a document the client receives (a PDF).

    It shows the seller, the buyer, number, dates, the status at `now`, lines, tax
    breakdown, totals and credit notes, and never the multiplier or the panel's cost.
    """

    def render(self, invoice: Invoice, credit_notes: Sequence[CreditNote], now: datetime) -> bytes:
        ...

    def render_credit_note(self, note: CreditNote, invoice: Invoice, now: datetime) -> bytes:
        """The credit note as a document of its own, titled "Credit note", naming the
        invoice it credits (the invoice gives the parties)."""
        ...
