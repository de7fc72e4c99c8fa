"""Tables of the stored catalog: services, the snapshots they came from, changes, state."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import Money, UTCDateTime

_ID = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only

# Every service the panel ever listed; `removed_at` set while it no longer lists it.
catalog_services = Table(
    "catalog_services",
    metadata,
    Column("service_id", BigInteger(), primary_key=True, autoincrement=False),
    Column("name", Text(), nullable=False),
    Column("type", String(64), nullable=False),
    Column("category", Text(), nullable=False),
    Column("network", String(64), nullable=False),
    Column("rate", Money(), nullable=False),
    Column("min", BigInteger(), nullable=False),
    Column("max", BigInteger(), nullable=False),
    Column("refill", Boolean(), nullable=False),
    Column("cancel", Boolean(), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("first_seen_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("removed_at", UTCDateTime(), nullable=True),
)

# The panel's answers that changed something (the first load included), as parsed JSON.
catalog_snapshots = Table(
    "catalog_snapshots",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("fetched_at", UTCDateTime(), nullable=False),
    Column("services", Integer(), nullable=False),
    Column("body", Text(), nullable=False),
)

catalog_changes = Table(
    "catalog_changes",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("snapshot_id", BigInteger(), nullable=True),
    Column("service_id", BigInteger(), nullable=False),
    Column("name", Text(), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("field", String(16), nullable=True),
    Column("old", Text(), nullable=True),
    Column("new", Text(), nullable=True),
    Column("percent", Money(), nullable=True),
    Column("significant", Boolean(), nullable=False),
    Column("detected_at", UTCDateTime(), nullable=False),
    Index("ix_catalog_changes_detected_at", "detected_at"),
    Index("ix_catalog_changes_service_id_detected_at", "service_id", "detected_at"),
)

# One row (id 1): the last successful fetch, the last attempt's error, the refresh lease.
catalog_state = Table(
    "catalog_state",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=False),
    Column("fetched_at", UTCDateTime(), nullable=True),
    Column("snapshot_id", BigInteger(), nullable=True),
    Column("attempted_at", UTCDateTime(), nullable=True),
    Column("error", Text(), nullable=True),
    Column("lease_holder", String(64), nullable=True),
    Column("lease_until", UTCDateTime(), nullable=True),
)
