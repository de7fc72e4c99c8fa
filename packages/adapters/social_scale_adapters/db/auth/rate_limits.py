"""Rate-limit buckets in the database, so that every worker and host shares one count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

rate_limit_buckets = Table(
    "rate_limit_buckets",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("window_start", UTCDateTime(), primary_key=True),
    Column("hits", Integer, nullable=False),
)


class SqlRateLimitStore:
    """RateLimitStore on one Session; `hit` is a single atomic upsert."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def hit(self, key: str, window_start: datetime) -> int:
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(rate_limit_buckets).values(key=key, window_start=window_start, hits=1)
        upsert = stmt.on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"hits": rate_limit_buckets.c.hits + 1},
        ).returning(rate_limit_buckets.c.hits)
        return int(self._session.execute(upsert).scalar_one())

    def count(self, key: str, window_start: datetime) -> int:
        stmt = select(rate_limit_buckets.c.hits).where(
            rate_limit_buckets.c.key == key, rate_limit_buckets.c.window_start == window_start
        )
        return int(self._session.execute(stmt).scalar() or 0)

    def clear(self, key: str) -> None:
        self._session.execute(delete(rate_limit_buckets).where(rate_limit_buckets.c.key == key))

    def purge(self, before: datetime) -> int:
        result = self._session.execute(
            delete(rate_limit_buckets).where(rate_limit_buckets.c.window_start < before)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
