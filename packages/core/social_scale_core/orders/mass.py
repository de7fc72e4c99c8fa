"""Placing a mass order: every line checked before anything is sent, valid lines placed
with bounded concurrency, each as an ordinary order under a key derived from the batch's.

1. The request is checked whole (company, multiplier, 1..500 lines) and line by line
   against the stored catalog: a line that fails is `invalid` with its fields named.
2. The batch and its lines are committed (`pending` for the valid ones) under its
   Idempotency-Key before any line is sent.
3. Each pending line goes through `place_order` with `Batch.line_key(line)`: that use case
   records the order before `add` and never sends one key twice, so a repeat, a crash
   (replay the same request with the same key: it resumes the pending lines) or a lost
   answer (`unknown`) can never place a line twice. Each outcome is committed on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from attrs import frozen

from social_scale_core.errors import (
    Conflict,
    FieldError,
    IdempotencyConflict,
    IdempotencyInProgress,
    NotFound,
    OrderNotSent,
    OrderOutcomeUnknown,
    OrderRejected,
    ProviderError,
    ValidationFailed,
)
from social_scale_core.invoicing.pricing import check_multiplier
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.mass_model import (
    MAX_LINES,
    Batch,
    BatchesUowFactory,
    BatchLine,
    BatchStatus,
    DuplicateBatch,
    LineInput,
    LineStatus,
    MassRequest,
)
from social_scale_core.orders.place_order import checked_draft, place_order
from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.orders.ports import OrdersUnitOfWork
from social_scale_core.panel.catalog.model import CatalogEntry


@frozen
class MassPorts:
    orders: OrderPorts
    batches: BatchesUowFactory
    concurrency: int = 4


def place_mass_order(ports: MassPorts, request: MassRequest, key: str | None) -> Batch:
    """Place a batch (see the module docstring); returns it with every line's outcome.

    ValidationFailed (nothing stored or sent) for a bad company, multiplier or line count;
    IdempotencyConflict when `key` was used for a different request.
    """
    _check_whole(request)
    fingerprint = request.fingerprint()
    if key is not None:
        existing = _by_key(ports, key)
        if existing is not None:
            return _resume(ports, _same(existing, fingerprint), request)
    lines = _validate(ports.orders, request)
    now = ports.orders.clock.now()
    batch = Batch(id=str(uuid.uuid4()), company_id=request.company_id,
                  idempotency_key=key or f"auto:{uuid.uuid4()}",
                  request_fingerprint=fingerprint, status=BatchStatus.PLACING,
                  created_at=now, updated_at=now, lines=lines)
    try:
        with ports.batches() as uow:
            uow.order_batches.add(batch)
            uow.commit()
    except DuplicateBatch:
        winner = _by_key(ports, batch.idempotency_key)
        if winner is None:
            raise
        batch = _same(winner, fingerprint)
    return _resume(ports, batch, request)


def get_batch(ports: MassPorts, batch_id: str) -> Batch:
    with ports.batches() as uow:
        batch = uow.order_batches.get(batch_id)
    if batch is None:
        raise NotFound(f"No mass order with id {batch_id}.")
    return batch


def _check_whole(request: MassRequest) -> None:
    if not request.lines:
        raise ValidationFailed.single("lines", "must hold at least one line")
    if len(request.lines) > MAX_LINES:
        raise ValidationFailed.single("lines", f"at most {MAX_LINES} lines per mass order")
    if request.invoice_multiplier is not None:
        check_multiplier(request.invoice_multiplier, "invoiceMultiplier")


def _by_key(ports: MassPorts, key: str) -> Batch | None:
    with ports.batches() as uow:
        return uow.order_batches.by_key(key)


def _same(batch: Batch, fingerprint: str) -> Batch:
    if batch.request_fingerprint != fingerprint:
        raise IdempotencyConflict(
            "This Idempotency-Key was already used with a different mass order.")
    return batch


def _validate(ports: OrderPorts, request: MassRequest) -> list[BatchLine]:
    """Every line checked as `place_order` would check it; nothing is written or sent."""
    entries: dict[int, CatalogEntry | None] = {}
    for item in request.lines:
        if item.draft is not None and item.draft.service not in entries:
            entries[item.draft.service] = ports.catalog.entry(item.draft.service)
    with ports.uow() as uow:
        company = uow.companies.get(request.company_id)
        if company is None or not company.is_active:
            raise ValidationFailed.single("companyId",
                                          f"no active company with id {request.company_id}")
        return [_checked(ports, uow, item, entries) for item in request.lines]


def _checked(ports: OrderPorts, uow: OrdersUnitOfWork, item: LineInput,
             entries: dict[int, CatalogEntry | None]) -> BatchLine:
    if item.draft is None:
        return BatchLine(item.line, LineStatus.INVALID, errors=item.errors)
    try:
        checked_draft(ports, uow, item.draft, entries[item.draft.service])
    except ValidationFailed as exc:
        return BatchLine(item.line, LineStatus.INVALID, errors=exc.errors)
    return BatchLine(item.line, LineStatus.PENDING)


def _resume(ports: MassPorts, batch: Batch, request: MassRequest) -> Batch:
    """Place the batch's pending lines (all of a new batch; those a crash left of an old)."""
    drafts = {item.line: item.draft for item in request.lines}
    pending = [line for line in batch.lines if line.status is LineStatus.PENDING]
    if pending:
        workers = max(1, min(ports.concurrency, len(pending)))
        with ThreadPoolExecutor(workers, thread_name_prefix="mass") as pool:
            list(pool.map(
                lambda line: _place_line(ports, batch, line, drafts[line.line]), pending))
    return _finish(ports, batch.id)


def _place_line(ports: MassPorts, batch: Batch, line: BatchLine,
                draft: OrderDraft | None) -> BatchLine:
    assert draft is not None  # a pending line was a valid draft
    outcome = _outcome(ports.orders, draft, batch.line_key(line.line), line.line, batch.id)
    if outcome.status is not LineStatus.PENDING:
        _store(ports, batch.id, [outcome])  # committed at once: a crash keeps it
    return outcome


def _outcome(ports: OrderPorts, draft: OrderDraft, key: str, n: int,
             batch_id: str) -> BatchLine:
    try:
        placed = place_order(ports, draft, key, batch_id)
    except OrderOutcomeUnknown as exc:
        return BatchLine(n, LineStatus.UNKNOWN, exc.order_id, exc.detail)
    except (OrderRejected, OrderNotSent) as exc:
        return BatchLine(n, LineStatus.REJECTED, exc.order_id, exc.detail)
    except ValidationFailed as exc:  # the catalog or company changed since the check
        return BatchLine(n, LineStatus.INVALID, errors=exc.errors)
    except IdempotencyInProgress:
        return BatchLine(n, LineStatus.PENDING)  # another request is placing it right now
    except (Conflict, ProviderError) as exc:
        return BatchLine(n, LineStatus.REJECTED, error=exc.detail or type(exc).__name__)
    return BatchLine(n, LineStatus.PLACED, placed.order.id)


def _store(ports: MassPorts, batch_id: str, lines: Iterable[BatchLine]) -> None:
    done = list(lines)
    if not done:
        return
    with ports.batches() as uow:
        uow.order_batches.save_lines(batch_id, done, ports.orders.clock.now())
        uow.commit()


def _finish(ports: MassPorts, batch_id: str) -> Batch:
    with ports.batches() as uow:
        batch = uow.order_batches.get(batch_id)
        assert batch is not None
        if batch.status is BatchStatus.PLACING and not any(
                line.status is LineStatus.PENDING for line in batch.lines):
            batch.status = BatchStatus.COMPLETED
            uow.order_batches.set_status(batch_id, BatchStatus.COMPLETED,
                                         ports.orders.clock.now())
            uow.commit()
    return batch


def invalid_line(line: int, errors: Iterable[FieldError]) -> LineInput:
    """A line the request layer could not read into a draft."""
    return LineInput(line, None, tuple(errors))
