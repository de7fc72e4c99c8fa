"""An index on invoices.due_at: conditional GETs read the next due moment still ahead (an
invoice turns overdue at it with no write, and the ETag must change then).

Frozen: the schema is written out here, no application code is imported.

Revision ID: 0020
Revises: 0018
"""

from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_invoices_due_at", "invoices", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_invoices_due_at", table_name="invoices")
