"""Orders: orders placed at the panel.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=False),
        sa.Column("provider_id", sa.String(36), nullable=True),
        sa.Column("api_order_id", sa.BigInteger(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("service_name", sa.Text(), nullable=False),
        sa.Column("service_type", sa.String(64), nullable=False),
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("target_key", sa.String(2048), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=True),
        sa.Column("interval", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("usernames", sa.Text(), nullable=True),
        sa.Column("hashtags", sa.Text(), nullable=True),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("media", sa.Text(), nullable=True),
        sa.Column("answer_number", sa.String(64), nullable=True),
        sa.Column("keywords", sa.Text(), nullable=True),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("charge", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_status", sa.String(64), nullable=True),
        sa.Column("start_count", sa.BigInteger(), nullable=True),
        sa.Column("remains", sa.BigInteger(), nullable=True),
        sa.Column("invoice_multiplier", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("request_fingerprint", sa.String(64), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("refill_id", sa.String(64), nullable=True),
        sa.Column("refill_status", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"],
                                name="fk_orders_company_id_companies"),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"],
                                name="fk_orders_provider_id_providers"),
        sa.UniqueConstraint("api_order_id", name="uq_orders_api_order_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_orders_idempotency_key"),
    )
    op.create_index("ix_orders_company_id_created_at", "orders", ["company_id", "created_at"])
    op.create_index("ix_orders_status_last_checked_at", "orders", ["status", "last_checked_at"])
    op.create_index("ix_orders_target_key", "orders", ["target_key"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])


def downgrade() -> None:
    op.drop_table("orders")
