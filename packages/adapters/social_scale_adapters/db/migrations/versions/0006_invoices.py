"""Invoices: invoices and credit notes, lines and their taxes, number counters, history.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _party(role: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{role}_name", sa.String(255), nullable=False),
        sa.Column(f"{role}_gstin", sa.String(15), nullable=True),
        sa.Column(f"{role}_state_code", sa.String(2), nullable=True),
        sa.Column(f"{role}_address", sa.Text(), nullable=True),
        sa.Column(f"{role}_email", sa.String(255), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("order_id", sa.String(36), nullable=True),
        sa.Column("credited_invoice_id", sa.String(36), nullable=True),
        sa.Column("company_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("multiplier", sa.BigInteger(), nullable=True),
        sa.Column("order_cost", sa.BigInteger(), nullable=True),
        sa.Column("base_cost", sa.BigInteger(), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("tax_mode", sa.String(8), nullable=False),
        sa.Column("tax_inclusive", sa.Boolean(), nullable=False),
        sa.Column("ordered_quantity", sa.Integer(), nullable=True),
        sa.Column("billed_quantity", sa.Integer(), nullable=True),
        *_party("seller"),
        *_party("buyer"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invoices"),
        sa.UniqueConstraint("number", name="uq_invoices_number"),
        sa.UniqueConstraint("order_id", name="uq_invoices_order_id"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_invoices_order_id_orders"),
        sa.ForeignKeyConstraint(["credited_invoice_id"], ["invoices.id"],
                                name="fk_invoices_credited_invoice_id_invoices"),
    )
    op.create_index("ix_invoices_kind_issued_at", "invoices", ["kind", "issued_at"])
    op.create_index("ix_invoices_company_id_issued_at", "invoices", ["company_id", "issued_at"])
    op.create_index("ix_invoices_credited_invoice_id", "invoices", ["credited_invoice_id"])
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sac", sa.String(8), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", "position", name="pk_invoice_lines"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], ondelete="CASCADE",
                                name="fk_invoice_lines_invoice_id_invoices"),
    )
    op.create_table(
        "invoice_line_taxes",
        sa.Column("invoice_id", sa.String(36), nullable=False),
        sa.Column("line_position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(8), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", "line_position", "position",
                                name="pk_invoice_line_taxes"),
        sa.ForeignKeyConstraint(
            ["invoice_id", "line_position"], ["invoice_lines.invoice_id", "invoice_lines.position"],
            ondelete="CASCADE", name="fk_invoice_line_taxes_invoice_id_invoice_lines",
        ),
    )
    op.create_table(
        "invoice_counters",
        sa.Column("series", sa.String(16), nullable=False),
        sa.Column("fiscal_year", sa.String(8), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "fiscal_year", name="pk_invoice_counters"),
    )
    op.create_table(
        "invoice_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("invoice_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("old_status", sa.String(16), nullable=True),
        sa.Column("new_status", sa.String(16), nullable=True),
        sa.Column("old_total", sa.BigInteger(), nullable=True),
        sa.Column("new_total", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invoice_history"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], ondelete="CASCADE",
                                name="fk_invoice_history_invoice_id_invoices"),
    )
    op.create_index("ix_invoice_history_invoice_id", "invoice_history", ["invoice_id"])


def downgrade() -> None:
    op.drop_table("invoice_history")
    op.drop_table("invoice_counters")
    op.drop_table("invoice_line_taxes")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
