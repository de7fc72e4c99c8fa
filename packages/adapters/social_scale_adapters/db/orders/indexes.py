"""Indexes for the analytics and the background sync (issue 6), declared on the orders
table (`order_table`) and created by migration 0007 (and 0022)."""

from __future__ import annotations

from sqlalchemy import Index, text

# Open, placed orders: what the sync claims (`sync_claims.open_orders` is the same test).
# It must list exactly core's OPEN_STATUSES (sorted), or the claim's query stops
# matching the partial index; migration 0009 recreated it when `canceling` joined.
OPEN_PLACED = ("status IN ('awaiting', 'canceling', 'in_progress', 'pending', 'processing') "
               "AND api_order_id IS NOT NULL")

ANALYTICS_INDEXES = (
    # The sync's claim and the sync-lag gauge: only open orders, by last check.
    Index("ix_orders_sync_due", "last_checked_at",
          postgresql_where=text(OPEN_PLACED), sqlite_where=text(OPEN_PLACED)),
    # A target's history, newest first, without sorting its orders.
    Index("ix_orders_target_key_created_at", "target_key", "created_at"),
    # A page of one status (GET /orders?status=...), newest first.
    Index("ix_orders_status_created_at", "status", "created_at"),
    # The services and networks each company used, all time (the analytics' company
    # table), counted off the index in its order (migration 0022).
    Index("ix_orders_company_services", "company_id", "network", "service_id"),
)
