"""The analytics rollup (issue 6): what `/analytics/stats` reads instead of every order.

Every change to an order or an invoice appends its exact effect on the figures to
`analytics_deltas` (database triggers, `rollup_triggers`): minus the row's old
contribution, plus its new one, in the dimensions the stats break down by, in the
quarter-hour slot (UTC, 'YYYY-MM-DD HH:MM') the order was created in. `fold`
(`rollup.py`) moves the deltas into `analytics_rollup`, one row per (grain, dimension,
key, bucket, currency), where the grain is 'month' (bucket 'YYYY-MM') or 'day'
('YYYY-MM-DD') for every dimension, 'all' (bucket '', all time) for the services and the
companies, or 'slot' ('YYYY-MM-DD HH:MM') for the totals (dim 'total', key '*') and the
companies. A period reads whole months, then whole days, then,
for the totals and the companies, whole slots; only what is left at its ends comes from
the orders (`rollup_periods`). Slots make a day or a month in any time zone (UTC offsets
are whole quarter-hours) cheap: the console's charts and month figures are local. The
figures are always rollup + pending deltas, so they are exact at every moment, whether
or not a fold ran.

`rows` counts the facts behind a group (one per order, invoice and credit note), so a
group whose facts all moved elsewhere disappears as it would from a fresh aggregate.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import Money

MEASURES = ("rows", "orders", "units", "real_cost", "revenue")


def _measures() -> list[Column[object]]:
    return [
        Column("rows", BigInteger(), nullable=False),
        Column("orders", BigInteger(), nullable=False),
        Column("units", BigInteger(), nullable=False),
        Column("real_cost", Money(), nullable=False),
        Column("revenue", Money(), nullable=False),
    ]


analytics_deltas = Table(
    "analytics_deltas",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
           autoincrement=True),
    Column("slot", String(16), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("company_id", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("network", String(64), nullable=False),
    Column("service_id", Integer(), nullable=False),
    Column("label", Text(), nullable=True),
    *_measures(),
)

# dim is 'status', 'network', 'service' or 'company' (GET /analytics), or 'total' (slots
# only); month and total breakdowns sum the 'status' rows of months and days.
analytics_rollup = Table(
    "analytics_rollup",
    metadata,
    Column("grain", String(5), primary_key=True),
    Column("dim", String(8), primary_key=True),
    Column("key", String(64), primary_key=True),  # a status, network, service id, company id
    Column("bucket", String(16), primary_key=True),
    Column("currency", String(8), primary_key=True),
    Column("label", Text(), nullable=True),
    *_measures(),
    # A period's buckets of every key at once (the totals' slots, all companies' days):
    # the primary key reads a bucket range only under one key.
    Index("ix_analytics_rollup_bucket", "grain", "dim", "bucket"),
)
