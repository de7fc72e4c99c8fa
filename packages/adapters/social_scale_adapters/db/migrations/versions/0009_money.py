"""Money (issue 11): `allowBelowCost` on orders, the `canceling` status in the sync's
partial index, and canceled orders still waiting for the panel's verdict made `canceling`.

Frozen: the SQL is written here, not imported, so that later code cannot change what
this migration did.

Revision ID: 0009
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0014"
branch_labels = None
depends_on = None

OPEN_BEFORE = ("status IN ('awaiting', 'in_progress', 'pending', 'processing') "
               "AND api_order_id IS NOT NULL")
OPEN_AFTER = ("status IN ('awaiting', 'canceling', 'in_progress', 'pending', 'processing') "
              "AND api_order_id IS NOT NULL")
# Raw panel statuses that had settled a canceled order's fate (lowercase).
VERDICTS = ("'canceled', 'cancelled', 'partial', 'completed', 'complete', 'refunded', "
            "'fail', 'failed'")


def _sync_index(predicate: str) -> None:
    op.drop_index("ix_orders_sync_due", table_name="orders")
    op.create_index("ix_orders_sync_due", "orders", ["last_checked_at"],
                    postgresql_where=sa.text(predicate), sqlite_where=sa.text(predicate))


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of the table on SQLite would drop
    # the rollup triggers of 0008 with the old table.
    op.add_column("orders", sa.Column("allow_below_cost", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _sync_index(OPEN_AFTER)
    # Before 0009 an accepted cancel made the order `canceled` at once, and the sync kept
    # asking until the panel's verdict: those orders are what `canceling` means now.
    op.execute(
        "UPDATE orders SET status = 'canceling', completed_at = NULL "
        "WHERE status = 'canceled' AND api_order_id IS NOT NULL "
        f"AND (provider_status IS NULL OR lower(provider_status) NOT IN ({VERDICTS}))")


def downgrade() -> None:
    op.execute("UPDATE orders SET status = 'canceled', completed_at = updated_at "
               "WHERE status = 'canceling'")
    _sync_index(OPEN_BEFORE)
    op.execute("ALTER TABLE orders DROP COLUMN allow_below_cost")  # SQLite >= 3.35
