"""The catalog in the database: services, snapshots, the change log, the refresh state.

Frozen: the schema is written out here, no application code is imported.

Revision ID: 0011
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.BigInteger  # amounts in 10^-8 units, as the Money column type keeps them


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "catalog_services",
        sa.Column("service_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("rate", MONEY(), nullable=False),
        sa.Column("min", sa.BigInteger(), nullable=False),
        sa.Column("max", sa.BigInteger(), nullable=False),
        sa.Column("refill", sa.Boolean(), nullable=False),
        sa.Column("cancel", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("first_seen_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("removed_at", _utc(), nullable=True),
    )
    op.create_table(
        "catalog_snapshots",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("fetched_at", _utc(), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "catalog_changes",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.BigInteger(), nullable=True),
        sa.Column("service_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("field", sa.String(16), nullable=True),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("percent", MONEY(), nullable=True),
        sa.Column("significant", sa.Boolean(), nullable=False),
        sa.Column("detected_at", _utc(), nullable=False),
    )
    op.create_index("ix_catalog_changes_detected_at", "catalog_changes", ["detected_at"])
    op.create_index("ix_catalog_changes_service_id_detected_at", "catalog_changes",
                    ["service_id", "detected_at"])
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("fetched_at", _utc(), nullable=True),
        sa.Column("snapshot_id", sa.BigInteger(), nullable=True),
        sa.Column("attempted_at", _utc(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lease_holder", sa.String(64), nullable=True),
        sa.Column("lease_until", _utc(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("catalog_state")
    op.drop_index("ix_catalog_changes_service_id_detected_at", table_name="catalog_changes")
    op.drop_index("ix_catalog_changes_detected_at", table_name="catalog_changes")
    op.drop_table("catalog_changes")
    op.drop_table("catalog_snapshots")
    op.drop_table("catalog_services")
