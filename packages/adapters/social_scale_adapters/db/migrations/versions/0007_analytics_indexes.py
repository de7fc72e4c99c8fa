"""Analytics and sync: the sync lease column and the indexes their queries use.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

# Frozen copy of the open statuses of revision 0007 (later statuses need a migration).
OPEN_PLACED = ("status IN ('awaiting', 'in_progress', 'pending', 'processing') "
               "AND api_order_id IS NOT NULL")

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("sync_claimed_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_orders_sync_due", "orders", ["last_checked_at"],
                    postgresql_where=sa.text(OPEN_PLACED), sqlite_where=sa.text(OPEN_PLACED))
    op.create_index("ix_orders_target_key_created_at", "orders", ["target_key", "created_at"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_status_created_at", table_name="orders")
    op.drop_index("ix_orders_target_key_created_at", table_name="orders")
    op.drop_index("ix_orders_sync_due", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("sync_claimed_until")
