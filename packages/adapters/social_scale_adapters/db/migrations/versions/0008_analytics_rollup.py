"""Analytics rollup: the deltas and rollup tables, the triggers that feed them, and the
rollup computed from the orders already there (`rollup_tables`, `rollup_triggers`).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from social_scale_adapters.db.rollup import rebuild
from social_scale_adapters.db.rollup_triggers import create_statements, drop_statements
from social_scale_adapters.db.types import Money

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _measures() -> list[sa.Column[object]]:
    return [
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("real_cost", Money(), nullable=False),
        sa.Column("revenue", Money(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "analytics_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  primary_key=True, autoincrement=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("company_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        *_measures(),
        sa.PrimaryKeyConstraint("id", name="pk_analytics_deltas"),
    )
    op.create_table(
        "analytics_rollup",
        sa.Column("grain", sa.String(5), nullable=False),
        sa.Column("dim", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("bucket", sa.String(10), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        *_measures(),
        sa.PrimaryKeyConstraint("grain", "dim", "key", "bucket", "currency",
                                name="pk_analytics_rollup"),
    )
    op.create_index("ix_orders_company_usage", "orders",
                    ["company_id", "created_at", "network", "service_id"])
    op.drop_index("ix_orders_company_id_created_at", table_name="orders")
    bind = op.get_bind()
    for statement in create_statements(bind.dialect.name):
        op.execute(statement)
    if bind.dialect.name == "postgresql":
        # A queue: rows come and go all day. Vacuum it by row count, not by a fraction of
        # a table that is mostly empty, so that its scans never wade through dead rows.
        op.execute("ALTER TABLE analytics_deltas SET (autovacuum_vacuum_scale_factor = 0, "
                   "autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0, "
                   "autovacuum_analyze_threshold = 5000)")
    rebuild(Session(bind=bind))


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("analytics_rollup")
    op.drop_table("analytics_deltas")
    op.create_index("ix_orders_company_id_created_at", "orders", ["company_id", "created_at"])
    op.drop_index("ix_orders_company_usage", table_name="orders")
