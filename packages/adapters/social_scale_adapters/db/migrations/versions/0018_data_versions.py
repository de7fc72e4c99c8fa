"""Data versions for conditional GET: a change log and counters, kept by triggers on every
table whose rows the API's GETs render, so an ETag changes with every committed write on
every instance.

PostgreSQL: a statement-level trigger records (table, transaction id) in `data_changes`
once per writing transaction (an insert under a unique key of its own: no row lock another
writer waits for, so no new contention and no deadlock between writers); the readers fold
that log into `data_versions` now and then. SQLite (writers already serialised by the
database lock, and no statement-level triggers) bumps `data_versions` per row.

Frozen: the schema is written out here, no application code is imported.

Revision ID: 0018
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None

TRACKED = (
    "users", "companies", "orders", "order_status_history", "order_batches",
    "order_batch_lines", "invoices", "invoice_lines", "invoice_line_taxes",
    "invoice_history", "deliveries", "alerts", "catalog_services", "catalog_snapshots",
    "catalog_changes", "catalog_state", "providers", "integration_logs",
)
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN INSERT INTO data_changes (name, xact) "
    "VALUES (TG_ARGV[0], pg_current_xact_id()::text::bigint) ON CONFLICT DO NOTHING; "
    "RETURN NULL; END $$"
)


def _pg(table: str) -> str:
    return (f"CREATE TRIGGER trg_{table}_data_version AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump('{table}')")


def _sqlite(table: str, event: str) -> str:
    return (f"CREATE TRIGGER trg_{table}_data_version_{event.lower()} AFTER {event} ON "
            f"{table} FOR EACH ROW BEGIN UPDATE data_versions SET version = version + 1 "
            f"WHERE name = '{table}'; END")


def upgrade() -> None:
    op.create_table(
        "data_versions",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "data_changes",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("xact", sa.BigInteger(), primary_key=True),
    )
    op.bulk_insert(sa.table("data_versions", sa.column("name", sa.String),
                            sa.column("version", sa.BigInteger)),
                   [{"name": table, "version": 0} for table in TRACKED])
    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TRACKED:
            op.execute(_pg(table))
        return
    for table in TRACKED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(_sqlite(table, event))


def downgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    for table in TRACKED:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_data_version ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_data_version_{event}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS data_version_bump()")
    op.drop_table("data_changes")
    op.drop_table("data_versions")
