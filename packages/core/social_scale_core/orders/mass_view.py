"""Reading a mass order back: each line with its order as it stands now, and the totals."""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from social_scale_core.invoicing.model import Invoice
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.mass_model import Batch, BatchLine, LineStatus
from social_scale_core.orders.model import Order
from social_scale_core.panel.provider import OrderStatus


@frozen
class LineView:
    line: BatchLine
    status: LineStatus
    order: Order | None


@frozen
class BatchView:
    """`cost` sums the placed lines' orders (as priced), `billed` their invoice's total:
    the batch's one invoice (a line per placed order; None until a line is placed), or
    for a batch placed before batches had one, each order's own."""

    batch: Batch
    lines: tuple[LineView, ...]
    counts: dict[str, int]
    currency: str | None
    cost: Decimal
    billed: Decimal
    invoice: Invoice | None = None


def line_status(line: BatchLine, order: Order | None) -> LineStatus:
    """The line's status from its order's current state: an `unknown` line whose order was
    later found on the panel (review) is placed; one reviewed as failed is rejected."""
    if order is None or line.status is LineStatus.INVALID:
        return line.status
    if order.api_order_id is not None:
        return LineStatus.PLACED
    if order.status in (OrderStatus.UNKNOWN, OrderStatus.SUBMITTING):
        return LineStatus.UNKNOWN if line.status is not LineStatus.PENDING else line.status
    return LineStatus.REJECTED


def view_batch(ports: OrderPorts, batch: Batch) -> BatchView:
    """The batch with its lines' orders and invoices read in one unit of work."""
    ids = [line.order_id for line in batch.lines if line.order_id]
    with ports.uow() as uow:
        orders = {i: uow.orders.get(i) for i in ids}
        invoice = uow.invoices.get_by_batch(batch.id)
        invoices = {} if invoice else {i: uow.invoices.get_by_order(i) for i in ids}
    views = tuple(LineView(line, line_status(line, orders.get(line.order_id or "")),
                           orders.get(line.order_id or "")) for line in batch.lines)
    placed = [v.order for v in views if v.status is LineStatus.PLACED and v.order is not None]
    counts = {status.value: sum(v.status is status for v in views) for status in LineStatus}
    return BatchView(
        batch=batch, lines=views, counts=counts,
        currency=placed[0].currency if placed else None,
        cost=sum((o.cost for o in placed), Decimal(0)),
        billed=invoice.total if invoice else _billed(invoices, placed), invoice=invoice,
    )


def _billed(invoices: dict[str, Invoice | None], placed: list[Order]) -> Decimal:
    total = Decimal(0)
    for order in placed:
        invoice = invoices.get(order.id)
        if invoice is not None:
            total += invoice.total
    return total
