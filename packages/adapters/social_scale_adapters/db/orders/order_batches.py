"""Mass orders (`order_batches`) and their lines, with the BatchRepository over them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from social_scale_core.errors import FieldError
from social_scale_core.orders.mass_model import (
    Batch,
    BatchLine,
    BatchStatus,
    DuplicateBatch,
    LineStatus,
)
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

order_batches = Table(
    "order_batches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("company_id", String(36), ForeignKey("companies.id"), nullable=False),
    Column("idempotency_key", String(255), nullable=False, unique=True),
    Column("request_fingerprint", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

order_batch_lines = Table(
    "order_batch_lines",
    metadata,
    Column("batch_id", String(36), ForeignKey("order_batches.id", ondelete="CASCADE"),
           primary_key=True),
    Column("line", Integer(), primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),
    Column("order_id", String(36), ForeignKey("orders.id"), nullable=True),
    Column("error", Text(), nullable=True),
    Column("errors", JSON(), nullable=True),  # [{field, message}] of an invalid line
)


def _errors(value: Any) -> tuple[FieldError, ...]:
    return tuple(FieldError(e["field"], e["message"]) for e in value or [])


def _line(row: Any) -> BatchLine:
    return BatchLine(line=int(row.line), status=LineStatus(row.status), order_id=row.order_id,
                     error=row.error, errors=_errors(row.errors))


def _line_row(batch_id: str, line: BatchLine) -> dict[str, Any]:
    errors = [{"field": e.field, "message": e.message} for e in line.errors] or None
    return {"batch_id": batch_id, "line": line.line, "status": line.status.value,
            "order_id": line.order_id, "error": line.error, "errors": errors}


class SqlBatchRepository:
    """BatchRepository on one Session; the unique key decides between concurrent adds."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, batch: Batch) -> None:
        try:
            with self._session.begin_nested():
                self._session.execute(insert(order_batches).values(
                    id=batch.id, company_id=batch.company_id,
                    idempotency_key=batch.idempotency_key,
                    request_fingerprint=batch.request_fingerprint, status=batch.status.value,
                    created_at=batch.created_at, updated_at=batch.updated_at))
        except IntegrityError as exc:
            raise DuplicateBatch(batch.idempotency_key) from exc
        self._session.execute(insert(order_batch_lines),
                              [_line_row(batch.id, line) for line in batch.lines])

    def _load(self, row: Any) -> Batch:
        lines = self._session.execute(
            select(order_batch_lines).where(order_batch_lines.c.batch_id == row.id)
            .order_by(order_batch_lines.c.line)).all()
        return Batch(id=row.id, company_id=row.company_id,
                     idempotency_key=row.idempotency_key,
                     request_fingerprint=row.request_fingerprint,
                     status=BatchStatus(row.status), created_at=row.created_at,
                     updated_at=row.updated_at, lines=[_line(r) for r in lines])

    def get(self, batch_id: str) -> Batch | None:
        row = self._session.execute(
            select(order_batches).where(order_batches.c.id == batch_id)).first()
        return self._load(row) if row else None

    def by_key(self, idempotency_key: str) -> Batch | None:
        row = self._session.execute(select(order_batches).where(
            order_batches.c.idempotency_key == idempotency_key)).first()
        return self._load(row) if row else None

    def save_lines(self, batch_id: str, lines: Sequence[BatchLine], now: datetime) -> None:
        c = order_batch_lines.c
        self._session.execute(
            update(order_batch_lines)
            .where(c.batch_id == bindparam("b_batch"), c.line == bindparam("b_line"))
            .values(status=bindparam("b_status"), order_id=bindparam("b_order"),
                    error=bindparam("b_error"), errors=bindparam("b_errors")),
            [{"b_batch": batch_id, "b_line": r["line"], "b_status": r["status"],
              "b_order": r["order_id"], "b_error": r["error"], "b_errors": r["errors"]}
             for r in (_line_row(batch_id, line) for line in lines)])
        self._session.execute(update(order_batches).where(order_batches.c.id == batch_id)
                              .values(updated_at=now))

    def set_status(self, batch_id: str, status: BatchStatus, now: datetime) -> None:
        self._session.execute(update(order_batches).where(order_batches.c.id == batch_id)
                              .values(status=status.value, updated_at=now))
