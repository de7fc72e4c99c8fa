"""SQL storage with SQLAlchemy 2.

Shared infrastructure sits here (engine, column types, metadata, every table, the unit of
work, migrations, backups, readiness, heartbeats) with the `companies` table; each concept
has its folder: `orders/`, `invoices/`, `delivery/` (outbox and alerts), `analytics/` (the
rollup and its reader), `auth/`, `panel/` (provider, catalog, integration log, budget).
"""
