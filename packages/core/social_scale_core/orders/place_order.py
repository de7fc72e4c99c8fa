"""Placing an order at the panel: validated first, recorded before `add`, never sent twice.

1. Every check that needs no panel runs first (422 naming the field; nothing is sent).
2. The order is committed as `submitting` with its Idempotency-Key and request fingerprint
   in its own transaction (the one that reads the company for those checks); the unique
   key makes concurrent duplicates collide there.
3. `add` is called once, never retried. Its outcome is committed: `pending` with the
   panel's id and the invoice (one transaction), `failed` (a clean refusal, or surely not
   sent), or `unknown` (the answer was lost: the order may exist; it is left for review).
A repeat with the same key gets the first request's result, whatever it was.
No transaction is open during a panel call (the catalog's refresh, or `add`).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from attrs import frozen

from social_scale_core.companies.model import Company
from social_scale_core.errors import (
    DuplicateOrder,
    FieldError,
    OrderNotSent,
    OrderOutcomeUnknown,
    PanelBusy,
    ProviderRejected,
    ProviderUnavailable,
    ValidationFailed,
)
from social_scale_core.invoicing import Invoice, InvoiceRequest, bill_in_batch, issue_invoice
from social_scale_core.invoicing.pricing import check_floor, check_multiplier
from social_scale_core.orders.deps import OrderPorts, buyer_of, load
from social_scale_core.orders.links import target_key
from social_scale_core.orders.model import Order, ServiceInfo, Source, new_order_id
from social_scale_core.orders.placement_rules import CheckedOrder, OrderDraft, check_draft
from social_scale_core.orders.ports import OrdersUnitOfWork
from social_scale_core.orders.rejections import add_rejected
from social_scale_core.orders.replay import Placed, replay
from social_scale_core.panel.catalog.model import CatalogEntry
from social_scale_core.panel.provider import AddRequest, OrderStatus, Service
from social_scale_core.panel.provider_context import provider_call_context

log = logging.getLogger("social_scale.orders")
SCOPE = "place"


@frozen
class _Prepared:
    order: Order
    add: AddRequest
    company: Company


def place_order(ports: OrderPorts, draft: OrderDraft, key: str | None,
                batch_id: str | None = None) -> Placed:
    """Place `draft` for its company; see the module docstring for the guarantees.

    `batch_id`: the order is a line of that mass order, billed on the batch's invoice.

    Raises ValidationFailed (nothing sent), IdempotencyConflict / IdempotencyInProgress,
    OrderRejected (failed, no invoice), OrderNotSent (failed), OrderOutcomeUnknown.
    """
    fingerprint = draft.fingerprint(SCOPE) if key is not None else None
    if key is not None:
        with ports.uow() as uow:
            existing = uow.orders.by_key(key)
        if existing is not None:
            return replay(ports, existing, fingerprint)
    entry = ports.catalog.entry(draft.service)  # may ask the panel: outside any transaction
    try:
        prepared = _record(ports, draft, entry, key, fingerprint)
    except DuplicateOrder:
        if key is None:  # only the idempotency key can collide on a new order
            raise
        with ports.uow() as uow:
            winner = uow.orders.by_key(key)
        if winner is None:
            raise
        return replay(ports, winner, fingerprint)
    return _submit(ports, prepared, batch_id)


def _company_errors(uow: OrdersUnitOfWork,
                    company_id: str) -> tuple[Company | None, list[FieldError]]:
    company = uow.companies.get(company_id)
    if company is None or not company.is_active:
        return None, [FieldError("companyId", f"no active company with id {company_id}")]
    return company, []


def order_multiplier(draft: OrderDraft, company: Company | None, ports: OrderPorts) -> Decimal:
    """The order's multiplier, else the company's default, else the policy's; one below
    the policy's floor is refused (`invoiceMultiplier`) unless the draft allows it."""
    if draft.invoice_multiplier is not None:
        multiplier = check_multiplier(draft.invoice_multiplier, "invoiceMultiplier")
        source = "the order's multiplier"
    elif company is not None and company.details.default_invoice_multiplier is not None:
        multiplier = company.details.default_invoice_multiplier
        source = "the company's default multiplier"
    else:
        multiplier = ports.invoice_policy.default_multiplier
        source = "the default multiplier (INVOICE_DEFAULT_MULTIPLIER)"
    return check_floor(multiplier, ports.invoice_policy.min_multiplier,
                       allowed=draft.allow_below_cost, field="invoiceMultiplier", source=source)


def checked_draft(
    ports: OrderPorts, uow: OrdersUnitOfWork, draft: OrderDraft, entry: CatalogEntry | None
) -> tuple[Company, Service, CheckedOrder, Decimal]:
    """Company active (read in `uow`), the service (`entry`, the catalog's for the
    draft's) known and still offered, draft consistent; all field errors at once."""
    service = entry.service if entry is not None else None
    company, errors = _company_errors(uow, draft.company_id)
    multiplier = Decimal(0)
    try:
        multiplier = order_multiplier(draft, company, ports)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    try:
        checked = check_draft(draft, service, entry.removed_at if entry else None)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    assert company is not None and service is not None
    return company, service, checked, multiplier


def new_order(ports: OrderPorts, draft: OrderDraft, service: Service,
              checked: CheckedOrder) -> Order:
    """The order record for a checked draft (status `submitting`, priced from the catalog)."""
    now = ports.clock.now()
    return Order(
        id=new_order_id(), company_id=draft.company_id, provider_id=ports.provider_id,
        service=ServiceInfo(service.service_id, service.name, service.type, service.network,
                            service.rate),
        link=checked.link, target_key=target_key(checked.link), quantity=draft.quantity,
        params=draft.params, cost=checked.cost, currency=service.currency,
        status=OrderStatus.SUBMITTING, source=Source.API, created_at=now, updated_at=now,
        allow_below_cost=draft.allow_below_cost,
    )


def _record(ports: OrderPorts, draft: OrderDraft, entry: CatalogEntry | None,
            key: str | None, fingerprint: str | None) -> _Prepared:
    """Check the draft and commit it as `submitting`, in one transaction (nothing is
    written when a check fails)."""
    with ports.uow() as uow:
        company, service, checked, multiplier = checked_draft(ports, uow, draft, entry)
        order = new_order(ports, draft, service, checked)
        order.invoice_multiplier = multiplier
        order.idempotency_key, order.request_fingerprint = key, fingerprint
        uow.orders.add(order)
        uow.commit()
    return _Prepared(order, checked.add, company)


def _submit(ports: OrderPorts, prepared: _Prepared, batch_id: str | None) -> Placed:
    order = prepared.order
    try:
        with provider_call_context(order.company_id):
            api_order_id = ports.provider.add(prepared.add)
    except ProviderRejected as exc:
        settle(ports, order.id, OrderStatus.FAILED, "provider_rejected", exc.detail)
        raise add_rejected(exc.detail, order.id) from exc
    except ProviderUnavailable as exc:
        busy = exc if isinstance(exc, PanelBusy) else None
        settle(ports, order.id, OrderStatus.FAILED, busy.code if busy else "provider_unavailable",
               exc.detail)
        raise OrderNotSent(exc.detail or "The panel could not be reached.", order.id,
                           busy=busy) from exc
    except Exception as exc:
        # A time-out, a cut connection, an unreadable answer, or a bug of ours after the
        # request left: the order may exist at the panel, so it must never be re-sent.
        settle(ports, order.id, OrderStatus.UNKNOWN, "provider_outcome_unknown",
               str(exc) or type(exc).__name__)
        raise OrderOutcomeUnknown(order.id) from exc
    return _accept(ports, order.id, api_order_id, prepared.company, batch_id)


def settle(ports: OrderPorts, order_id: str, status: OrderStatus, code: str,
           message: str | None) -> None:
    """Record a failed or unknown outcome (its own transaction)."""
    with ports.uow() as uow:
        order = load(uow, order_id, for_update=True)
        order.move_to(status, ports.clock.now())
        order.error_code, order.error_message = code, message
        uow.orders.save(order)
        uow.commit()


def _accept(ports: OrderPorts, order_id: str, api_order_id: int, company: Company,
            batch_id: str | None) -> Placed:
    try:
        return store_accepted(ports, order_id, api_order_id, company, with_invoice=True,
                              batch_id=batch_id)
    except Exception:
        # The panel took the order (and the money): keep at least the panel's id.
        log.exception("order_accepted_but_not_invoiced",
                      extra={"order_id": order_id, "api_order_id": api_order_id})
        return store_accepted(ports, order_id, api_order_id, company, with_invoice=False)


def invoice_request(order: Order, company: Company) -> InvoiceRequest:
    assert order.invoice_multiplier is not None
    return InvoiceRequest(
        order_id=order.id, company_id=order.company_id, currency=order.currency,
        base_cost=order.cost, multiplier=order.invoice_multiplier,
        description=f"{order.service.name} ({order.units} units) for {order.link}",
        quantity=order.units, buyer=buyer_of(company), allow_below_cost=order.allow_below_cost,
    )


def store_accepted(ports: OrderPorts, order_id: str, api_order_id: int, company: Company,
                   *, with_invoice: bool, batch_id: str | None = None) -> Placed:
    """`pending` with the panel's id, and (normally) the invoice, in one transaction:
    its own, or its line on the invoice of its mass order `batch_id`.

    The order is written first: issuing the invoice takes the next number of its series,
    whose row lock every other placement waits for until this commits, so as little as
    possible comes after it.
    """
    now = ports.clock.now()
    with ports.uow() as uow:
        order = load(uow, order_id, for_update=True)
        order.api_order_id = api_order_id
        order.move_to(OrderStatus.PENDING, now)
        order.error_code = order.error_message = None
        uow.orders.save(order)
        invoice: Invoice | None = None
        if with_invoice:
            request = invoice_request(order, company)
            invoice = (bill_in_batch(uow, batch_id, request, now, ports.invoice_policy)
                       if batch_id is not None
                       else issue_invoice(uow, request, now, ports.invoice_policy))
            order.invoice_id = invoice.id
        uow.commit()
    return Placed(order, invoice)
