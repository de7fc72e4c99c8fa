"""A new invoice stored with the next number of its series, its lines and its history.

PostgreSQL: ONE statement takes the number (the counter's upsert, whose row lock every
other invoice of the series waits for until this transaction ends), writes the invoice
with it, its lines, their taxes and the `issued` history entry; only the COMMIT follows.
The number is formatted in SQL from the series' plan; past `plan.max_sequence` it is NULL,
which the NOT NULL column refuses, so the statement fails and nothing is kept. The
statement is built once for each shape of invoice, with every value a parameter, so
SQLAlchemy compiles it once (`_statement`).
SQLite (one writer at a time, no row locks): the same writes, one statement each.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from attrs import evolve
from social_scale_core.errors import Conflict
from social_scale_core.invoicing.model import HistoryEntry, Invoice
from social_scale_core.invoicing.numbering import NumberPlan
from sqlalchemy import (
    BigInteger,
    Integer,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    select,
)
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


# Up to this many line and tax rows the statement is built once per shape, with bound
# parameters, and SQLAlchemy caches its compiled form: a multi-row VALUES has no cache key,
# so it would be compiled on every invoice (about 15% of a placement's CPU). Each row is
# then a one-row INSERT of its own in the WITH list.
CACHED_ROWS = 24


def _row(table: Any, prefix: str, names: Iterable[str]) -> dict[str, Any]:
    return {name: bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in names}


def _number_sql() -> Any:
    """The plan's head + the taken sequence zero-padded to its digits (never cut: lpad
    would cut a longer one), NULL past its max_sequence; the plan comes as parameters."""
    taken = (postgresql.insert(invoice_counters)
             .values(series=bindparam("plan_series", type_=Text),
                     fiscal_year=bindparam("plan_year", type_=Text), last_value=1)
             .on_conflict_do_update(index_elements=["series", "fiscal_year"],
                                    set_={"last_value": invoice_counters.c.last_value + 1})
             .returning(invoice_counters.c.last_value).cte("taken"))
    sequence = taken.c.last_value
    digits = cast(sequence, Text)
    padded = func.lpad(digits, func.greatest(bindparam("plan_digits", type_=Integer),
                                             func.length(digits)), literal("0"))
    return select(case((sequence <= bindparam("plan_max", type_=BigInteger),
                        bindparam("plan_head", type_=Text) + padded),
                       else_=None)).scalar_subquery()


@lru_cache(maxsize=64)
def _statement(document: tuple[str, ...], line: tuple[str, ...], lines: int,
               tax: tuple[str, ...], taxes: int, history: tuple[str, ...]) -> Any:
    """The one statement for an invoice of `lines` lines and `taxes` tax rows whose rows
    have these column names; every value is a parameter (see `_parameters`)."""
    inserted = (insert(invoices).values(**_row(invoices, "d_", document), number=_number_sql())
                .returning(invoices.c.number).cte("document"))
    written = [insert(invoice_lines).values(**_row(invoice_lines, f"l{i}_", line)).cte(f"line{i}")
               for i in range(lines)]
    written += [insert(invoice_line_taxes).values(**_row(invoice_line_taxes, f"t{k}_", tax))
                .cte(f"tax{k}") for k in range(taxes)]
    entry = {**_row(invoice_history, "h_", history),
             "note": select(inserted.c.number).scalar_subquery()}
    written.append(insert(invoice_history).values(**entry).cte("history"))
    return select(inserted.c.number).add_cte(*written)


def _plan_parameters(plan: NumberPlan) -> dict[str, Any]:
    """The values of `_number_sql`'s parameters."""
    return {"plan_series": plan.series, "plan_year": plan.fiscal_year,
            "plan_digits": plan.digits, "plan_max": plan.max_sequence, "plan_head": plan.head}


def _parameters(document: dict[str, Any], lines: list[dict[str, Any]],
                taxes: list[dict[str, Any]], history: dict[str, Any],
                plan: NumberPlan) -> dict[str, Any]:
    values = {f"d_{k}": v for k, v in document.items()}
    for i, row in enumerate(lines):
        values.update({f"l{i}_{k}": v for k, v in row.items()})
    for k, row in enumerate(taxes):
        values.update({f"t{k}_{name}": v for name, v in row.items()})
    values.update({f"h_{k}": v for k, v in history.items()})
    values.update(_plan_parameters(plan))
    return values


def _postgresql(session: Session, invoice: Invoice, plan: NumberPlan,
                issued: HistoryEntry) -> str:
    document = {"id": invoice.id, "kind": INVOICE, **invoice_columns(invoice)}
    lines, taxes = line_rows(invoice.id, invoice.lines)
    history = history_row(issued)
    del history["note"]
    if len(lines) + len(taxes) > CACHED_ROWS:
        return _uncached(session, document, lines, taxes, history, plan)
    statement = _statement(tuple(document), tuple(lines[0]) if lines else (), len(lines),
                           tuple(taxes[0]) if taxes else (), len(taxes), tuple(history))
    parameters = _parameters(document, lines, taxes, history, plan)
    return str(session.execute(statement, parameters).scalar_one())


def _uncached(session: Session, document: dict[str, Any], lines: list[dict[str, Any]],
              taxes: list[dict[str, Any]], history: dict[str, Any], plan: NumberPlan) -> str:
    """The same statement for a long invoice: the lines and the taxes in one multi-row
    VALUES each (compiled for this invoice alone)."""
    inserted = (insert(invoices).values(**document, number=_number_sql())
                .returning(invoices.c.number).cte("document"))
    entry = {**history, "note": select(inserted.c.number).scalar_subquery()}
    written = [insert(invoice_lines).values(lines).cte("lines"),
               insert(invoice_history).values(**entry).cte("history")]
    if taxes:
        written.append(insert(invoice_line_taxes).values(taxes).cte("taxes"))
    statement = select(inserted.c.number).add_cte(*written)
    return str(session.execute(statement, _plan_parameters(plan)).scalar_one())


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
