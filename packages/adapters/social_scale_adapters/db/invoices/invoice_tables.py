"""Tables of invoices and credit notes (one table, `kind`), their lines, counters, history."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import Money, UTCDateTime


def _party(role: str) -> list[Column[object]]:
    return [
        Column(f"{role}_name", String(255), nullable=False),
        Column(f"{role}_gstin", String(15), nullable=True),
        Column(f"{role}_state_code", String(2), nullable=True),
        Column(f"{role}_address", Text(), nullable=True),
        Column(f"{role}_email", String(255), nullable=True),
    ]


# Credit notes are rows of kind 'credit_note': no order, `credited_invoice_id` set.
invoices = Table(
    "invoices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("number", String(16), nullable=False, unique=True),
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=True, unique=True),
    Column("credited_invoice_id", String(36), ForeignKey("invoices.id"), nullable=True),
    Column("company_id", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("multiplier", Money(), nullable=True),
    Column("order_cost", Money(), nullable=True),
    Column("base_cost", Money(), nullable=True),
    Column("subtotal", Money(), nullable=False),
    Column("tax_total", Money(), nullable=False),
    Column("total", Money(), nullable=False),
    Column("tax_mode", String(8), nullable=False),
    Column("tax_inclusive", Boolean(), nullable=False),
    Column("ordered_quantity", Integer(), nullable=True),
    Column("billed_quantity", Integer(), nullable=True),
    *_party("seller"),
    *_party("buyer"),
    Column("reason", Text(), nullable=True),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=True),
    Column("paid_at", UTCDateTime(), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=False),
    # A mass order's one invoice (no `order_id`: its lines name their orders).
    Column("batch_id", String(36), nullable=True),
    Index("uq_invoices_batch_id", "batch_id", unique=True),
    Index("ix_invoices_kind_issued_at", "kind", "issued_at"),
    Index("ix_invoices_company_id_issued_at", "company_id", "issued_at"),
    Index("ix_invoices_credited_invoice_id", "credited_invoice_id"),
    # Conditional GETs read the next due moment ahead (an invoice turning overdue).
    Index("ix_invoices_due_at", "due_at"),
    # The unpaid invoices by due date, with what their count and totals read: the overdue
    # list (most recently due first), its count and the dashboard's overdue total, from
    # the index alone on PostgreSQL.
    Index("ix_invoices_unpaid_due", "due_at", "number",
          postgresql_include=["id", "currency", "total"],
          postgresql_where=text("kind = 'invoice' AND status IN ('draft', 'sent')"),
          sqlite_where=text("kind = 'invoice' AND status IN ('draft', 'sent')")),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", String(36), ForeignKey("invoices.id", ondelete="CASCADE"),
           primary_key=True),
    Column("position", Integer(), primary_key=True, autoincrement=False),
    Column("description", Text(), nullable=False),
    Column("sac", String(8), nullable=True),
    Column("quantity", Integer(), nullable=False),
    Column("unit_price", Money(), nullable=False),
    Column("amount", Money(), nullable=False),
    # Lines of a mass order's invoice (and of its credit notes) name their order; the
    # rollup counts `total` (amount + the line's taxes) as that order's revenue. The
    # invoice's lines also carry how they bill their order (`LineBilling`).
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=True),
    Column("total", Money(), nullable=True),
    Column("multiplier", Money(), nullable=True),
    Column("order_cost", Money(), nullable=True),
    Column("ordered_quantity", Integer(), nullable=True),
    Column("billed_quantity", Integer(), nullable=True),
    Index("ix_invoice_lines_order_id", "order_id"),
)

invoice_line_taxes = Table(
    "invoice_line_taxes",
    metadata,
    Column("invoice_id", String(36), primary_key=True),
    Column("line_position", Integer(), primary_key=True, autoincrement=False),
    Column("position", Integer(), primary_key=True, autoincrement=False),
    Column("name", String(8), nullable=False),
    Column("rate", Money(), nullable=False),
    Column("amount", Money(), nullable=False),
    ForeignKeyConstraint(
        ["invoice_id", "line_position"], ["invoice_lines.invoice_id", "invoice_lines.position"],
        ondelete="CASCADE",
    ),
)

# One row per (series, financial year); incremented under its row lock (see NumberSeries).
invoice_counters = Table(
    "invoice_counters",
    metadata,
    Column("series", String(16), primary_key=True),
    Column("fiscal_year", String(8), primary_key=True),
    Column("last_value", Integer(), nullable=False),
)

invoice_history = Table(
    "invoice_history",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("invoice_id", String(36), ForeignKey("invoices.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(32), nullable=False),
    Column("old_status", String(16), nullable=True),
    Column("new_status", String(16), nullable=True),
    Column("old_total", Money(), nullable=True),
    Column("new_total", Money(), nullable=True),
    Column("note", Text(), nullable=True),
)
