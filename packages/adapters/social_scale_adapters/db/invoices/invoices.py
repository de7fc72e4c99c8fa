"""SQL repositories of invoicing: invoices, credit notes, number series and history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from social_scale_core.invoicing.model import (
    CreditNote,
    HistoryEntry,
    Invoice,
    InvoiceStatus,
)
from social_scale_core.invoicing.numbering import NumberPlan
from social_scale_core.invoicing.ports import InvoiceFilter
from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social_scale_adapters.db.invoices.invoice_issue import (
    add_numbered,
    history_row,
    take_sequence,
    translated,
)
from social_scale_adapters.db.invoices.invoice_mapping import (
    CREDIT_NOTE,
    INVOICE,
    credit_note_columns,
    grouped,
    invoice_columns,
    read_lines,
    select_with_lines,
    to_credit_note,
    to_invoice,
    write_lines,
)
from social_scale_adapters.db.invoices.invoice_tables import (
    invoice_history,
    invoice_lines,
    invoices,
)
from social_scale_adapters.db.orders.order_batches import order_batches
from social_scale_adapters.db.types import money_sum

S = InvoiceStatus
UNPAID = (S.DRAFT.value, S.SENT.value)


class SqlInvoiceRepository:
    """InvoiceRepository on one Session (kind = 'invoice' rows of `invoices`)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, invoice: Invoice) -> None:
        row = {"id": invoice.id, "kind": INVOICE, "number": invoice.number,
               **invoice_columns(invoice)}
        try:
            self._session.execute(insert(invoices), row)  # constant statement: cached
        except IntegrityError as exc:
            conflict = translated(exc)
            if conflict is None:
                raise
            raise conflict from None
        write_lines(self._session, invoice.id, invoice.lines, new=True)

    def add_numbered(self, invoice: Invoice, plan: NumberPlan, issued: HistoryEntry) -> str:
        return add_numbered(self._session, invoice, plan, issued, self.add)

    def _one(self, where: ColumnElement[bool], lock: bool = False) -> Invoice | None:
        """The invoice with its lines in one query (locking only its `invoices` row)."""
        stmt = select_with_lines(invoices.c.kind == INVOICE, where)
        found = grouped(self._session.execute(
            stmt.with_for_update(of=invoices) if lock else stmt))
        return to_invoice(*found[0]) if found else None

    def get(self, invoice_id: str) -> Invoice | None:
        return self._one(invoices.c.id == invoice_id)

    def get_by_order(self, order_id: str) -> Invoice | None:
        own = self._one(invoices.c.order_id == order_id)
        if own is not None:
            return own
        in_batch = select(invoice_lines.c.invoice_id).where(invoice_lines.c.order_id == order_id)
        return self._one(and_(invoices.c.batch_id.is_not(None), invoices.c.id.in_(in_batch)))

    def get_by_batch(self, batch_id: str) -> Invoice | None:
        return self._one(invoices.c.batch_id == batch_id)

    def lock_batch(self, batch_id: str) -> None:
        # SQLite has no row locks: its one writer at a time serializes the lines anyway.
        self._session.execute(select(order_batches.c.id).where(order_batches.c.id == batch_id)
                              .with_for_update())

    def add_line(self, invoice: Invoice, position: int) -> None:
        self._save_header(invoice)
        write_lines(self._session, invoice.id, invoice.lines, new=True, only=position)

    def update_line(self, invoice: Invoice, position: int) -> None:
        self._save_header(invoice)
        write_lines(self._session, invoice.id, invoice.lines, only=position)

    def _save_header(self, invoice: Invoice) -> None:
        self._session.execute(
            update(invoices).where(invoices.c.id == invoice.id).values(invoice_columns(invoice))
        )

    def get_for_update(self, invoice_id: str) -> Invoice | None:
        return self._one(invoices.c.id == invoice_id, lock=True)

    def get_with_credit_notes(self, invoice_id: str) -> tuple[Invoice, list[CreditNote]] | None:
        """One query: the invoice's row and its credit notes' rows, with all their lines."""
        c = invoices.c
        found = grouped(self._session.execute(select_with_lines(
            or_(and_(c.id == invoice_id, c.kind == INVOICE),
                and_(c.credited_invoice_id == invoice_id, c.kind == CREDIT_NOTE)),
            order_by=(c.kind != INVOICE, c.issued_at, c.number))))
        if not found or found[0][0].kind != INVOICE:
            return None
        (row, lines), notes = found[0], found[1:]
        return to_invoice(row, lines), [to_credit_note(r, ls) for r, ls in notes]

    def update(self, invoice: Invoice) -> None:
        self._session.execute(
            update(invoices).where(invoices.c.id == invoice.id).values(invoice_columns(invoice))
        )
        write_lines(self._session, invoice.id, invoice.lines)

    def list(self, query: InvoiceFilter) -> tuple[list[Invoice], int]:
        conditions = _conditions(query)
        matching = select(invoices.c.id).where(*conditions)
        if query.count_upto is not None:
            matching = matching.limit(query.count_upto + 1)
        total = self._session.execute(
            select(func.count()).select_from(matching.subquery())).scalar_one()
        rows = self._session.execute(
            select(invoices).where(*conditions).order_by(*_order(query))
            .limit(query.limit).offset(query.offset)
        ).all()
        lines = read_lines(self._session, [r.id for r in rows])
        return [to_invoice(r, lines.get(r.id, ())) for r in rows], int(total)

    def sums(self, query: InvoiceFilter) -> tuple[dict[str, Decimal], int]:
        c = invoices.c
        matching = select(c.currency, c.total).where(*_conditions(query))
        if query.count_upto is not None:
            matching = matching.order_by(*_order(query)).limit(query.count_upto + 1)
        found = matching.subquery()
        rows = self._session.execute(
            select(found.c.currency, func.count(), money_sum(found.c.total))
            .group_by(found.c.currency)).all()
        return {currency: total for currency, _, total in rows}, sum(n for _, n, _ in rows)


def _order(query: InvoiceFilter) -> tuple[ColumnElement[Any], ...]:
    """Newest first; overdue ones most recently due first, which the due date's index
    reads straight back from `now` (by issue date it would first pass every invoice
    issued since that is not due yet)."""
    c = invoices.c
    if query.status is S.OVERDUE:
        return c.due_at.desc(), c.number.desc()
    return c.issued_at.desc(), c.number.desc()


def _status_condition(status: InvoiceStatus, query: InvoiceFilter) -> ColumnElement[bool]:
    c = invoices.c
    if status is S.OVERDUE:
        return and_(c.status.in_(UNPAID), c.due_at < query.now)
    if status.value in UNPAID:
        return and_(c.status == status.value, c.due_at >= query.now)
    return c.status == status.value


def _conditions(query: InvoiceFilter) -> list[ColumnElement[bool]]:
    c = invoices.c
    conditions: list[ColumnElement[bool]] = [c.kind == INVOICE]
    if query.status is not None:
        conditions.append(_status_condition(query.status, query))
    if query.company_id is not None:
        conditions.append(c.company_id == query.company_id)
    if query.issued_from is not None:
        conditions.append(c.issued_at >= query.issued_from)
    if query.issued_to is not None:
        conditions.append(c.issued_at < query.issued_to)
    return conditions


class SqlCreditNoteRepository:
    """CreditNoteRepository on one Session (kind = 'credit_note' rows of `invoices`)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, note: CreditNote) -> None:
        credited = self._session.execute(
            select(invoices).where(invoices.c.id == note.invoice_id)).one()
        self._session.execute(insert(invoices).values(credit_note_columns(note, credited)))
        write_lines(self._session, note.id, note.lines)

    def get(self, note_id: str) -> CreditNote | None:
        rows = self._session.execute(select_with_lines(
            invoices.c.kind == CREDIT_NOTE, invoices.c.id == note_id))
        return next((to_credit_note(row, lines) for row, lines in grouped(rows)), None)

    def for_invoice(self, invoice_id: str) -> list[CreditNote]:
        rows = self._session.execute(select_with_lines(
            invoices.c.kind == CREDIT_NOTE, invoices.c.credited_invoice_id == invoice_id,
            order_by=(invoices.c.issued_at, invoices.c.number)))
        return [to_credit_note(row, lines) for row, lines in grouped(rows)]


class SqlNumberSeries:
    """NumberSeries as one upsert: the row lock it takes is held until commit or rollback."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def next(self, series: str, fiscal_year: str) -> int:
        return take_sequence(self._session, series, fiscal_year)


class SqlInvoiceHistory:
    """InvoiceHistory on one Session: rows are only ever inserted."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, entry: HistoryEntry) -> None:
        self._session.execute(insert(invoice_history), history_row(entry))

    def for_invoice(self, invoice_id: str) -> list[HistoryEntry]:
        rows = self._session.execute(
            select(invoice_history).where(invoice_history.c.invoice_id == invoice_id)
            .order_by(invoice_history.c.id)
        ).all()
        return [HistoryEntry(
            invoice_id=r.invoice_id, at=r.at, actor=r.actor, action=r.action,
            old_status=r.old_status, new_status=r.new_status, old_total=r.old_total,
            new_total=r.new_total, note=r.note,
        ) for r in rows]
