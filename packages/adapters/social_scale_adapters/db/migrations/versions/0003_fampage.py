"""Fampage: provider record, integration log (the services cache lives in memory).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("is_sandbox", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_providers"),
        sa.UniqueConstraint("name", name="uq_providers_name"),
    )
    op.create_table(
        "integration_logs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("company_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_integration_logs"),
    )
    op.create_index("ix_integration_logs_created_at", "integration_logs", ["created_at"])
    op.create_index("ix_integration_logs_action_created_at", "integration_logs",
                    ["action", "created_at"])
    op.create_index("ix_integration_logs_company_id_created_at", "integration_logs",
                    ["company_id", "created_at"])
    op.create_index("ix_integration_logs_success_created_at", "integration_logs",
                    ["success", "created_at"])


def downgrade() -> None:
    op.drop_table("integration_logs")
    op.drop_table("providers")
