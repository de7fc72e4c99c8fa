"""Issuing invoices: for a placed order (inside its transaction) or afterwards by request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from social_scale_core.errors import Conflict, NotFound, ValidationFailed
from social_scale_core.invoicing.adjust import adjust_for_order_outcome
from social_scale_core.invoicing.model import (
    HistoryEntry,
    Invoice,
    InvoicePolicy,
    InvoiceRequest,
    InvoiceStatus,
    TaxMode,
)
from social_scale_core.invoicing.numbering import number_plan
from social_scale_core.invoicing.ports import InvoicingUnitOfWork
from social_scale_core.invoicing.pricing import (
    apply_tax,
    check_floor,
    check_multiplier,
    delivered_units,
    make_line,
    priced,
)

SYSTEM = "system"
NOTHING_DELIVERED = ("failed", "canceled")  # as the order-status sync bills them


def _first(*choices: Decimal | None) -> Decimal:
    """The first multiplier given: the request's, the company's, the policy's."""
    return next(c for c in choices if c is not None)


def issue_invoice(
    uow: InvoicingUnitOfWork, request: InvoiceRequest, now: datetime, policy: InvoicePolicy,
    actor: str = SYSTEM,
) -> Invoice:
    """Number, price and store a draft invoice for an order; does NOT commit.

    Runs inside the caller's unit of work, so the order and its invoice (and the number
    it took) are committed or rolled back together. total = round_half_up(base_cost x
    multiplier) (+ GST when the policy adds it). Raises ValidationFailed for a bad
    multiplier (also one below the policy's floor unless the request allows it) or
    quantity, Conflict if the order already has an invoice (the
    repository's `add` says so: one invoice per order is a constraint of the store, and
    the caller's rollback gives the number back).
    """
    _check(request, policy)
    plan = number_plan(policy.prefix, now, policy)
    invoice = _new_invoice(request, "", now, policy)
    # The number last: its series' row stays locked until the caller commits, and every
    # other invoice waits for it (so the pricing above is done before taking it, and the
    # store writes the invoice, its lines and history with the number, in one go).
    invoice.number = uow.invoices.add_numbered(invoice, plan, HistoryEntry(
        invoice.id, now, actor, "issued", new_status=invoice.status.value,
        new_total=invoice.total,
    ))
    return invoice


def _check(request: InvoiceRequest, policy: InvoicePolicy) -> None:
    check_multiplier(request.multiplier)
    check_floor(request.multiplier, policy.min_multiplier, allowed=request.allow_below_cost,
                field="multiplier")
    if request.quantity <= 0:
        raise ValidationFailed.single("quantity", "must be positive")
    if request.base_cost < 0:
        raise ValidationFailed.single("baseCost", "must not be negative")


def _new_invoice(
    request: InvoiceRequest, number: str, now: datetime, policy: InvoicePolicy
) -> Invoice:
    doc = apply_tax(priced(request.base_cost, request.multiplier), policy.tax_mode,
                    policy.tax_inclusive, policy.seller, request.buyer)
    taxed = policy.tax_mode is TaxMode.GST
    return Invoice(
        id=str(uuid.uuid4()), number=number, order_id=request.order_id,
        company_id=request.company_id, status=InvoiceStatus.DRAFT, currency=request.currency,
        multiplier=request.multiplier, base_cost=request.base_cost,
        subtotal=doc.subtotal, tax_total=doc.tax_total, total=doc.total,
        lines=(make_line(request.description, request.quantity, doc, taxed),),
        issued_at=now, due_at=now + timedelta(days=policy.due_days),
        order_cost=request.base_cost, seller=policy.seller, buyer=request.buyer,
        ordered_quantity=request.quantity, billed_quantity=request.quantity,
        tax_mode=policy.tax_mode, tax_inclusive=policy.tax_inclusive, updated_at=now,
    )


def invoice_order(
    uow_factory: Callable[[], InvoicingUnitOfWork], order_id: str, multiplier: Decimal | None,
    now: datetime, policy: InvoicePolicy, actor: str = SYSTEM,
) -> Invoice:
    """Invoice an existing order that has none (POST /invoices/order/:orderId); commits.

    NotFound for an unknown order; Conflict if it already has an invoice, or failed or was
    canceled (nothing to bill); ValidationFailed (`multiplier`) for a multiplier below the
    policy's floor unless the order was placed with allowBelowCost. An order that already
    ended partial is billed for what the panel delivered.
    """
    with uow_factory() as uow:
        order = uow.invoice_sources.order(order_id)
        if order is None:
            raise NotFound("No such order.")
        if uow.invoices.get_by_order(order_id) is not None:
            raise Conflict("This order already has an invoice.")
        if order.status in NOTHING_DELIVERED:
            raise Conflict(f"The order is {order.status}: there is nothing to bill.")
        request = InvoiceRequest(
            order_id=order.order_id, company_id=order.company_id, currency=order.currency,
            base_cost=order.cost,
            multiplier=_first(multiplier, order.default_multiplier, policy.default_multiplier),
            description=order.description, quantity=order.quantity, buyer=order.buyer,
            allow_below_cost=order.allow_below_cost,
        )
        issue_invoice(uow, request, now, policy, actor)
        if order.status == "partial":
            delivered = delivered_units(order.quantity, order.remains)
            adjust_for_order_outcome(uow, order_id, order.quantity, delivered, now, policy, actor)
        invoice = uow.invoices.get_by_order(order_id)
        uow.commit()
    assert invoice is not None
    return invoice
