"""The `providers` table (one row: Fampage) and its repository."""

from __future__ import annotations

from typing import Any

from social_scale_core.panel.records import ProviderRecord
from sqlalchemy import Boolean, Column, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

providers = Table(
    "providers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("base_url", String(500), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("is_sandbox", Boolean(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)


def _record(row: Any) -> ProviderRecord:
    return ProviderRecord(
        id=row.id, name=row.name, base_url=row.base_url, currency=row.currency,
        is_sandbox=bool(row.is_sandbox), created_at=row.created_at, updated_at=row.updated_at,
    )


class SqlProviderRepository:
    """ProviderRepository on one Session; `upsert` is one INSERT .. ON CONFLICT statement."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get_by_name(self, name: str) -> ProviderRecord | None:
        row = self._session.execute(select(providers).where(providers.c.name == name)).first()
        return _record(row) if row else None

    def get(self, provider_id: str) -> ProviderRecord | None:
        row = self._session.execute(select(providers).where(providers.c.id == provider_id)).first()
        return _record(row) if row else None

    def upsert(self, record: ProviderRecord) -> ProviderRecord:
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(providers).values(
            id=record.id, name=record.name, base_url=record.base_url, currency=record.currency,
            is_sandbox=record.is_sandbox, created_at=record.created_at,
            updated_at=record.updated_at,
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=["name"],
            set_={
                "base_url": stmt.excluded.base_url, "currency": stmt.excluded.currency,
                "is_sandbox": stmt.excluded.is_sandbox, "updated_at": stmt.excluded.updated_at,
            },
        ).returning(*providers.c)
        return _record(self._session.execute(upsert).one())
