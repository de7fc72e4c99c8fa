"""The invoice register read from SQL: invoices and credit notes of a period, in one query."""

from __future__ import annotations

from datetime import datetime

from social_scale_core.invoicing.register import RegisterEntry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from social_scale_adapters.db.invoices.invoice_mapping import (
    INVOICE,
    grouped,
    party,
    select_with_lines,
    to_credit_note,
    to_invoice,
)
from social_scale_adapters.db.invoices.invoice_tables import invoices

_c = invoices.c


class SqlInvoiceRegister:
    """InvoiceRegisterReader on one Session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def count(self, start: datetime, end: datetime) -> int:
        return int(self._session.scalar(select(func.count()).select_from(invoices).where(
            _c.issued_at >= start, _c.issued_at < end)) or 0)

    def entries(self, start: datetime, end: datetime) -> list[RegisterEntry]:
        rows = grouped(self._session.execute(select_with_lines(
            _c.issued_at >= start, _c.issued_at < end, order_by=(_c.issued_at, _c.number))))
        credited = {row.credited_invoice_id for row, _ in rows if row.credited_invoice_id}
        numbers: dict[str, str] = {}
        if credited:
            found = self._session.execute(select(_c.id, _c.number).where(_c.id.in_(credited)))
            numbers = {row.id: row.number for row in found}
        return [RegisterEntry(
            to_invoice(row, lines) if row.kind == INVOICE else to_credit_note(row, lines),
            party(row, "buyer"), numbers.get(row.credited_invoice_id))
            for row, lines in rows]
