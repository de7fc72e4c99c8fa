"""Invoice delivery and operator alerts: the outbox (`deliveries`) and `alerts`.

Written out in full here (no application imports), so that later code changes never
change what this migration does.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("opened_at", _utc(), nullable=False),
        sa.Column("resolved_at", _utc(), nullable=True),
        sa.Column("acked_at", _utc(), nullable=True),
        sa.Column("notified_at", _utc(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_opened_at", "alerts", ["opened_at"])
    op.create_index("uq_alerts_open_subject", "alerts", ["kind", "subject"], unique=True,
                    sqlite_where=sa.text("resolved_at IS NULL"),
                    postgresql_where=sa.text("resolved_at IS NULL"))
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("invoice_id", sa.String(36), nullable=True),
        sa.Column("alert_id", sa.String(36), nullable=True),
        sa.Column("reminder_step", sa.Integer(), nullable=True),
        sa.Column("to_addrs", sa.Text(), nullable=False),
        sa.Column("cc_addrs", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("queued_at", _utc(), nullable=False),
        sa.Column("next_attempt_at", _utc(), nullable=False),
        sa.Column("sent_at", _utc(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name="fk_deliveries_invoice_id_invoices"),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name="fk_deliveries_alert_id_alerts"),
        sa.UniqueConstraint("message_id", name="uq_deliveries_message_id"),
        sa.UniqueConstraint("invoice_id", "reminder_step", name="uq_deliveries_reminder_step"),
    )
    op.create_index("ix_deliveries_status_next_attempt_at", "deliveries",
                    ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_alert_id", "deliveries", ["alert_id"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("alerts")
