"""Operations: the heartbeats of the background runners (`background_runs`).

Revision ID: 0014
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op


revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "background_runs",
        sa.Column("runner", sa.String(128), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("runner", name="pk_background_runs"),
    )


def downgrade() -> None:
    op.drop_table("background_runs")
