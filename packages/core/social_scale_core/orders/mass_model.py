"""A mass order (a batch of lines placed as one request) and the storage port it needs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from attrs import asdict, define, field, frozen

from social_scale_core.errors import FieldError
from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.ports.uow import UnitOfWork

MAX_LINES = 500


class LineStatus(StrEnum):
    """API.md's line statuses, plus `pending`: valid, not yet placed (a crash left it)."""

    PLACED = "placed"
    REJECTED = "rejected"
    INVALID = "invalid"
    UNKNOWN = "unknown"
    PENDING = "pending"


class BatchStatus(StrEnum):
    PLACING = "placing"  # some valid lines have no outcome yet
    COMPLETED = "completed"


@frozen
class LineInput:
    """One line as the request gave it: a draft, or the errors that kept it from being one."""

    line: int
    draft: OrderDraft | None
    errors: tuple[FieldError, ...] = ()


@frozen
class MassRequest:
    company_id: str
    invoice_multiplier: Decimal | None
    lines: tuple[LineInput, ...]

    def fingerprint(self) -> str:
        """A digest of everything asked for: a repeat with the batch's key must match it."""
        data = {"company": self.company_id, "multiplier": str(self.invoice_multiplier),
                "lines": [{"line": i.line, "draft": asdict(i.draft) if i.draft else None,
                           "errors": [asdict(e) for e in i.errors]} for i in self.lines]}
        canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@frozen
class BatchLine:
    """A line's outcome: `order_id` once an order was recorded for it; `errors` name the
    fields of an invalid line; `error` is the panel's word (rejected) or why (unknown)."""

    line: int
    status: LineStatus
    order_id: str | None = None
    error: str | None = None
    errors: tuple[FieldError, ...] = ()


@define
class Batch:
    id: str
    company_id: str
    idempotency_key: str
    request_fingerprint: str
    status: BatchStatus
    created_at: datetime
    updated_at: datetime
    lines: list[BatchLine] = field(factory=list)

    def line_key(self, line: int) -> str:
        """The Idempotency-Key of one line's order, derived from the batch's key: the same
        line of the same batch always maps to the same order, so it is never placed twice."""
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:40]
        return f"mass:{digest}:{line}"


class DuplicateBatch(Exception):
    """Another request stored a batch with this Idempotency-Key first."""


class BatchRepository(Protocol):
    """Mass orders and their lines. `add` raises DuplicateBatch for a taken key (the
    unique constraint decides between concurrent requests)."""

    def add(self, batch: Batch) -> None: ...

    def get(self, batch_id: str) -> Batch | None: ...

    def by_key(self, idempotency_key: str) -> Batch | None: ...

    def save_lines(self, batch_id: str, lines: Sequence[BatchLine], now: datetime) -> None:
        """Write these lines' outcomes (by line number)."""
        ...

    def set_status(self, batch_id: str, status: BatchStatus, now: datetime) -> None: ...


class BatchesUnitOfWork(UnitOfWork, Protocol):
    @property
    def order_batches(self) -> BatchRepository: ...


BatchesUowFactory = Callable[[], BatchesUnitOfWork]
