"""Two indexes of the console's reads at a million orders:
- a partial index of the unpaid invoices by due date, covering what the overdue list, its
  count and the dashboard's overdue total read: the list walked every invoice issued since
  the last one fell due, and the count and the total read each row;
- orders by (company_id, network, service_id): the services and networks each company
  used, all time, counted off the index in its order (they were sorted: 25,000 orders
  for a page of 25 companies).

Frozen: the schema is written out here, no application code is imported.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UNPAID = "kind = 'invoice' AND status IN ('draft', 'sent')"


def upgrade() -> None:
    op.create_index("ix_invoices_unpaid_due", "invoices", ["due_at", "number"],
                    postgresql_include=["id", "currency", "total"],
                    postgresql_where=sa.text(UNPAID), sqlite_where=sa.text(UNPAID))
    op.create_index("ix_orders_company_services", "orders",
                    ["company_id", "network", "service_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_company_services", table_name="orders")
    op.drop_index("ix_invoices_unpaid_due", table_name="invoices")
