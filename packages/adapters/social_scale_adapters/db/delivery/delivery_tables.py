"""Tables of the outbox (`deliveries`) and of operator alerts (`alerts`)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

# One row per alert; at most one unresolved row per (kind, subject) (a partial unique index).
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("message", Text(), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("resolved_at", UTCDateTime(), nullable=True),
    Column("acked_at", UTCDateTime(), nullable=True),
    Column("notified_at", UTCDateTime(), nullable=True),
    Index("ix_alerts_opened_at", "opened_at"),
)
Index("uq_alerts_open_subject", alerts.c.kind, alerts.c.subject, unique=True,
      sqlite_where=alerts.c.resolved_at.is_(None),
      postgresql_where=alerts.c.resolved_at.is_(None))

# Addresses are stored one per line. A reminder step is queued once per invoice: the
# unique (invoice_id, reminder_step) holds for reminders (sends have no step: NULLs differ).
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=True),
    Column("alert_id", String(36), ForeignKey("alerts.id"), nullable=True),
    Column("reminder_step", Integer(), nullable=True),
    Column("to_addrs", Text(), nullable=False),
    Column("cc_addrs", Text(), nullable=False),
    Column("message", Text(), nullable=True),
    Column("message_id", String(255), nullable=False, unique=True),
    Column("status", String(8), nullable=False),
    Column("attempts", Integer(), nullable=False),
    Column("queued_at", UTCDateTime(), nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("error", Text(), nullable=True),
    UniqueConstraint("invoice_id", "reminder_step", name="uq_deliveries_reminder_step"),
    Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_deliveries_alert_id", "alert_id"),
)
