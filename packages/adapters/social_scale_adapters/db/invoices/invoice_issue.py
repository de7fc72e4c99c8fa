"""A new invoice stored with the next number of its series, its lines and its history.

PostgreSQL: ONE statement takes the number (the counter's upsert, whose row lock every
other invoice of the series waits for until this transaction ends), writes the invoice
with it, its lines, their taxes and the `issued` history entry; only the COMMIT follows.
The number is formatted in SQL from the series' plan; past `plan.max_sequence` it is NULL,
which the NOT NULL column refuses, so the statement fails and nothing is kept.
SQLite (one writer at a time, no row locks): the same writes, one statement each.
"""

from __future__ import annotations

from typing import Any

from attrs import evolve
from social_scale_core.errors import Conflict
from social_scale_core.invoicing.model import HistoryEntry, Invoice
from social_scale_core.invoicing.numbering import NumberPlan
from sqlalchemy import Text, case, cast, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social_scale_adapters.db.invoices.invoice_mapping import INVOICE, invoice_columns, line_rows
from social_scale_adapters.db.invoices.invoice_tables import (
    invoice_counters,
    invoice_history,
    invoice_line_taxes,
    invoice_lines,
    invoices,
)

EXHAUSTED = "the invoice number series is exhausted"


def history_row(entry: HistoryEntry) -> dict[str, Any]:
    return {"invoice_id": entry.invoice_id, "at": entry.at, "actor": entry.actor,
            "action": entry.action, "old_status": entry.old_status,
            "new_status": entry.new_status, "old_total": entry.old_total,
            "new_total": entry.new_total, "note": entry.note}


def translated(exc: IntegrityError) -> Conflict | None:
    """The Conflict an insert of an invoice means, or None (then it stays an error).

    PostgreSQL names the constraint, SQLite the column; a foreign-key failure (no such
    order) is neither."""
    text = str(exc.orig)
    if any(key in text for key in ("uq_invoices_order_id", "invoices.order_id")):
        return Conflict("This order already has an invoice.")
    if "number" in text and ("null value" in text or "NOT NULL" in text):
        return Conflict(EXHAUSTED)
    return None


def _number_sql(plan: NumberPlan) -> Any:
    """`plan.head` + the taken sequence zero-padded to `plan.digits` (never cut: lpad would
    cut a longer one), NULL past `plan.max_sequence`."""
    taken = (postgresql.insert(invoice_counters)
             .values(series=plan.series, fiscal_year=plan.fiscal_year, last_value=1)
             .on_conflict_do_update(index_elements=["series", "fiscal_year"],
                                    set_={"last_value": invoice_counters.c.last_value + 1})
             .returning(invoice_counters.c.last_value).cte("taken"))
    sequence = taken.c.last_value
    digits = cast(sequence, Text)
    padded = func.lpad(digits, func.greatest(literal(plan.digits), func.length(digits)),
                       literal("0"))
    return select(case((sequence <= literal(plan.max_sequence),
                        literal(plan.head) + padded), else_=None)).scalar_subquery()


def _postgresql(session: Session, invoice: Invoice, plan: NumberPlan,
                issued: HistoryEntry) -> str:
    row = {"id": invoice.id, "kind": INVOICE, **invoice_columns(invoice)}
    document = (insert(invoices).values(**row, number=_number_sql(plan))
                .returning(invoices.c.number).cte("document"))
    lines, taxes = line_rows(invoice.id, invoice.lines)
    history = {**history_row(issued), "note": select(document.c.number).scalar_subquery()}
    written = [insert(invoice_lines).values(lines).cte("lines"),
               insert(invoice_history).values(**history).cte("history")]
    if taxes:
        written.append(insert(invoice_line_taxes).values(taxes).cte("taxes"))
    statement = select(document.c.number).add_cte(*written)
    return str(session.execute(statement).scalar_one())


def take_sequence(session: Session, series: str, fiscal_year: str) -> int:
    """NumberSeries.next: one upsert, whose row lock is held until commit or rollback."""
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_(invoice_counters).values(series=series, fiscal_year=fiscal_year,
                                            last_value=1)
    upsert = stmt.on_conflict_do_update(
        index_elements=["series", "fiscal_year"],
        set_={"last_value": invoice_counters.c.last_value + 1},
    ).returning(invoice_counters.c.last_value)
    return int(session.execute(upsert).scalar_one())


def _sqlite(session: Session, invoice: Invoice, plan: NumberPlan,
            issued: HistoryEntry, add: Any) -> str:
    sequence = take_sequence(session, plan.series, plan.fiscal_year)
    if sequence > plan.max_sequence:
        raise Conflict(EXHAUSTED)
    invoice.number = plan.number(sequence)
    add(invoice)
    session.execute(insert(invoice_history), history_row(evolve(issued, note=invoice.number)))
    return invoice.number


def add_numbered(session: Session, invoice: Invoice, plan: NumberPlan, issued: HistoryEntry,
                 add: Any) -> str:
    """See InvoiceRepository.add_numbered; `add` stores an invoice one statement at a time."""
    if session.get_bind().dialect.name != "postgresql":
        return _sqlite(session, invoice, plan, issued, add)
    try:
        return _postgresql(session, invoice, plan, issued)
    except IntegrityError as exc:
        conflict = translated(exc)
        if conflict is None:
            raise
        raise conflict from None
