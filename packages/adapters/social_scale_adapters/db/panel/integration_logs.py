"""The `integration_logs` table (every panel call, key redacted) and its repository."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from social_scale_core.panel.records import IntegrationLogEntry, LogQuery
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

integration_logs = Table(
    "integration_logs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("action", String(32), nullable=False),
    Column("request", JSON(), nullable=False),
    Column("response", Text(), nullable=True),
    Column("status_code", Integer(), nullable=True),
    Column("duration_ms", Integer(), nullable=False),
    Column("success", Boolean(), nullable=False),
    Column("error", Text(), nullable=True),
    # No foreign key: the log outlives deleted companies and never blocks a delete.
    Column("company_id", String(36), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_integration_logs_created_at", "created_at"),
    Index("ix_integration_logs_action_created_at", "action", "created_at"),
    Index("ix_integration_logs_company_id_created_at", "company_id", "created_at"),
    Index("ix_integration_logs_success_created_at", "success", "created_at"),
)


def _entry(row: Any) -> IntegrationLogEntry:
    return IntegrationLogEntry(
        id=row.id, action=row.action, request=dict(row.request or {}), response=row.response,
        status_code=row.status_code, duration_ms=row.duration_ms, success=bool(row.success),
        error=row.error, company_id=row.company_id, created_at=row.created_at,
    )


def _conditions(query: LogQuery) -> list[ColumnElement[bool]]:
    c = integration_logs.c
    conditions: list[ColumnElement[bool]] = []
    if query.action is not None:
        conditions.append(c.action == query.action)
    if query.success is not None:
        conditions.append(c.success.is_(query.success))
    if query.company_id is not None:
        conditions.append(c.company_id == query.company_id)
    return conditions


_INSERT = insert(integration_logs)


class SqlIntegrationLogRepository:
    """IntegrationLogRepository on one Session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: IntegrationLogEntry) -> None:
        self._session.execute(_INSERT, dict(  # a constant statement: compiled once, cached
            id=entry.id, action=entry.action, request=entry.request, response=entry.response,
            status_code=entry.status_code, duration_ms=entry.duration_ms, success=entry.success,
            error=entry.error, company_id=entry.company_id, created_at=entry.created_at,
        ))

    def list(self, query: LogQuery, limit: int, offset: int
             ) -> tuple[list[IntegrationLogEntry], int]:
        where = _conditions(query)
        rows = self._session.execute(
            select(integration_logs).where(*where)
            .order_by(integration_logs.c.created_at.desc(), integration_logs.c.id.desc())
            .limit(limit).offset(offset)
        ).all()
        total = self._session.execute(
            select(func.count()).select_from(integration_logs).where(*where)
        ).scalar_one()
        return [_entry(row) for row in rows], int(total)

    def purge(self, before: datetime) -> int:
        result = self._session.execute(
            delete(integration_logs).where(integration_logs.c.created_at < before)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
