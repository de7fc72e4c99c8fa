"""The panel call budget: one token bucket per panel key (PANEL_CALLS_PER_MINUTE), shared
by every worker, app instance and refresher through this table.

Frozen: the schema is written out here, no application code is imported.

Revision ID: 0019
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "panel_call_budget",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("tat_us", sa.BigInteger(), nullable=False),
        sa.Column("grant_nonce", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("panel_call_budget")
