"""Translation between invoice rows and the attrs documents of `social_scale_core.invoicing`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from social_scale_core.invoicing.model import (
    BillingParty,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineBilling,
    TaxLine,
    TaxMode,
)
from sqlalchemy import ColumnElement, Row, Select, and_, delete, insert, select
from sqlalchemy.orm import Session

from social_scale_adapters.db.invoices.invoice_tables import (
    invoice_line_taxes,
    invoice_lines,
    invoices,
)

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
CREDIT_NOTE_STATUS = "issued"


def party_columns(role: str, party: BillingParty) -> dict[str, Any]:
    return {
        f"{role}_name": party.name, f"{role}_gstin": party.gstin,
        f"{role}_state_code": party.state_code, f"{role}_address": party.address,
        f"{role}_email": party.email,
    }


def party(row: Any, role: str) -> BillingParty:
    m = row._mapping
    return BillingParty(
        name=m[f"{role}_name"], gstin=m[f"{role}_gstin"], state_code=m[f"{role}_state_code"],
        address=m[f"{role}_address"], email=m[f"{role}_email"],
    )


def invoice_columns(invoice: Invoice) -> dict[str, Any]:
    """The row of an invoice, less its id, kind and number (set once, at insert)."""
    return {
        "order_id": invoice.order_id, "company_id": invoice.company_id,
        "status": invoice.status.value, "currency": invoice.currency,
        "multiplier": invoice.multiplier, "order_cost": invoice.order_cost,
        "base_cost": invoice.base_cost, "subtotal": invoice.subtotal,
        "tax_total": invoice.tax_total, "total": invoice.total,
        "tax_mode": invoice.tax_mode.value, "tax_inclusive": invoice.tax_inclusive,
        "ordered_quantity": invoice.ordered_quantity,
        "billed_quantity": invoice.billed_quantity, "issued_at": invoice.issued_at,
        "due_at": invoice.due_at, "paid_at": invoice.paid_at, "updated_at": invoice.updated_at,
        "batch_id": invoice.batch_id,
        **party_columns("seller", invoice.seller), **party_columns("buyer", invoice.buyer),
    }


def to_invoice(row: Any, lines: tuple[InvoiceLine, ...]) -> Invoice:
    return Invoice(
        id=row.id, number=row.number, order_id=row.order_id, company_id=row.company_id,
        status=InvoiceStatus(row.status), currency=row.currency, multiplier=row.multiplier,
        base_cost=row.base_cost, subtotal=row.subtotal, tax_total=row.tax_total,
        total=row.total, lines=lines, issued_at=row.issued_at, due_at=row.due_at,
        order_cost=row.order_cost, seller=party(row, "seller"), buyer=party(row, "buyer"),
        ordered_quantity=row.ordered_quantity, billed_quantity=row.billed_quantity,
        tax_mode=TaxMode(row.tax_mode), tax_inclusive=bool(row.tax_inclusive),
        paid_at=row.paid_at, updated_at=row.updated_at, batch_id=row.batch_id,
    )


def credit_note_columns(note: CreditNote, invoice_row: Any) -> dict[str, Any]:
    """A credit note's row; parties and tax regime are copied from the credited invoice."""
    copied = {name: invoice_row._mapping[name] for name in (
        "tax_mode", "tax_inclusive", "multiplier", *party_columns("seller", BillingParty("")),
        *party_columns("buyer", BillingParty("")),
    )}
    return {
        **copied, "id": note.id, "kind": CREDIT_NOTE, "number": note.number,
        "credited_invoice_id": note.invoice_id, "company_id": note.company_id,
        "status": CREDIT_NOTE_STATUS, "currency": note.currency, "subtotal": note.subtotal,
        "tax_total": note.tax_total, "total": note.total, "reason": note.reason,
        "issued_at": note.issued_at, "updated_at": note.issued_at,
    }


def to_credit_note(row: Any, lines: tuple[InvoiceLine, ...]) -> CreditNote:
    return CreditNote(
        id=row.id, number=row.number, invoice_id=row.credited_invoice_id,
        company_id=row.company_id, currency=row.currency, subtotal=row.subtotal,
        tax_total=row.tax_total, total=row.total, lines=lines, issued_at=row.issued_at,
        reason=row.reason or "",
    )


def _line_row(document_id: str, i: int, line: InvoiceLine) -> dict[str, Any]:
    b = line.billing
    return {
        "invoice_id": document_id, "position": i, "description": line.description,
        "sac": line.sac, "quantity": line.quantity, "unit_price": line.unit_price,
        "amount": line.amount, "order_id": line.order_id,
        "total": line.total if line.order_id is not None else None,
        "multiplier": b.multiplier if b else None, "order_cost": b.order_cost if b else None,
        "ordered_quantity": b.ordered_quantity if b else None,
        "billed_quantity": b.billed_quantity if b else None,
    }


def _billing(r: Any, prefix: str = "") -> LineBilling | None:
    m = r._mapping
    if m[f"{prefix}multiplier"] is None:
        return None
    return LineBilling(m[f"{prefix}multiplier"], m[f"{prefix}order_cost"],
                       m[f"{prefix}ordered_quantity"], m[f"{prefix}billed_quantity"])


def write_lines(session: Session, document_id: str, lines: Sequence[InvoiceLine],
                *, new: bool = False, only: int | None = None) -> None:
    """Replace the document's lines and their taxes (`new`: it has none yet; `only`:
    just the line at that position, the others stay as they are)."""
    positions = range(len(lines)) if only is None else [only]
    if not new:
        taxes_of, lines_of = invoice_line_taxes.c, invoice_lines.c
        tax_where = [taxes_of.invoice_id == document_id]
        line_where = [lines_of.invoice_id == document_id]
        if only is not None:
            tax_where.append(taxes_of.line_position == only)
            line_where.append(lines_of.position == only)
        session.execute(delete(invoice_line_taxes).where(*tax_where))
        session.execute(delete(invoice_lines).where(*line_where))
    rows, taxes = line_rows(document_id, lines, positions)
    session.execute(insert(invoice_lines), rows)
    if taxes:
        session.execute(insert(invoice_line_taxes), taxes)


def line_rows(document_id: str, lines: Sequence[InvoiceLine],
              positions: Iterable[int] | None = None
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of the document's lines (those at `positions`, default all) and of their
    taxes."""
    chosen = list(range(len(lines)) if positions is None else positions)
    taxes = [
        {"invoice_id": document_id, "line_position": i, "position": j, "name": tax.name,
         "rate": tax.rate, "amount": tax.amount}
        for i in chosen for j, tax in enumerate(lines[i].taxes)
    ]
    return [_line_row(document_id, i, lines[i]) for i in chosen], taxes


def read_lines(session: Session, ids: Iterable[str]) -> dict[str, tuple[InvoiceLine, ...]]:
    """The lines (with taxes) of each document id, in position order."""
    wanted = list(ids)
    if not wanted:
        return {}
    tax_rows = session.execute(select(invoice_line_taxes).where(
        invoice_line_taxes.c.invoice_id.in_(wanted)).order_by(invoice_line_taxes.c.position))
    taxes: dict[tuple[str, int], list[TaxLine]] = defaultdict(list)
    for t in tax_rows:
        taxes[(t.invoice_id, t.line_position)].append(TaxLine(t.name, t.rate, t.amount))
    line_rows = session.execute(select(invoice_lines).where(
        invoice_lines.c.invoice_id.in_(wanted)).order_by(invoice_lines.c.position))
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    for r in line_rows:
        lines[r.invoice_id].append(InvoiceLine(
            description=r.description, quantity=r.quantity, unit_price=r.unit_price,
            amount=r.amount, sac=r.sac, taxes=tuple(taxes[(r.invoice_id, r.position)]),
            order_id=r.order_id, billing=_billing(r),
        ))
    return {key: tuple(value) for key, value in lines.items()}


_L, _T = invoice_lines.c, invoice_line_taxes.c
_JOINED = invoices.outerjoin(invoice_lines, _L.invoice_id == invoices.c.id).outerjoin(
    invoice_line_taxes, and_(_T.invoice_id == _L.invoice_id, _T.line_position == _L.position))


def select_with_lines(
    *where: ColumnElement[bool], order_by: Sequence[ColumnElement[Any]] = (),
) -> Select[Any]:
    """Documents with their lines and taxes in one round trip: a row per (line, tax).

    Read the result with `grouped`. No LIMIT here: it would cut documents' lines apart.
    """
    return (
        select(invoices, _L.position.label("l_position"), _L.description.label("l_description"),
               _L.sac.label("l_sac"), _L.quantity.label("l_quantity"),
               _L.unit_price.label("l_unit_price"), _L.amount.label("l_amount"),
               _L.order_id.label("l_order_id"), _L.multiplier.label("l_multiplier"),
               _L.order_cost.label("l_order_cost"),
               _L.ordered_quantity.label("l_ordered_quantity"),
               _L.billed_quantity.label("l_billed_quantity"),
               _T.name.label("t_name"), _T.rate.label("t_rate"), _T.amount.label("t_amount"))
        .select_from(_JOINED).where(*where)
        .order_by(*order_by, invoices.c.id, _L.position, _T.position)
    )


def grouped(rows: Iterable[Row[Any]]) -> list[tuple[Row[Any], tuple[InvoiceLine, ...]]]:
    """Each document's row and its lines, from the rows of `select_with_lines`, in order."""
    docs: dict[str, tuple[Row[Any], dict[int, tuple[Row[Any], list[TaxLine]]]]] = {}
    for r in rows:
        lines = docs.setdefault(r.id, (r, {}))[1]
        if r.l_position is None:
            continue
        taxes = lines.setdefault(r.l_position, (r, []))[1]
        if r.t_name is not None:
            taxes.append(TaxLine(r.t_name, r.t_rate, r.t_amount))
    return [(row, tuple(
        InvoiceLine(description=r.l_description, quantity=r.l_quantity,
                    unit_price=r.l_unit_price, amount=r.l_amount, sac=r.l_sac,
                    taxes=tuple(taxes), order_id=r.l_order_id, billing=_billing(r, "l_"))
        for r, taxes in lines.values())) for row, lines in docs.values()]
