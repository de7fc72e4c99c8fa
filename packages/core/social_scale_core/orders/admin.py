"""The admin's order use cases: record orders placed elsewhere, read, correct, resolve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from attrs import evolve, frozen

from social_scale_core.errors import (
    DuplicateOrder,
    FieldError,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)
from social_scale_core.invoicing import bill_in_batch, issue_invoice
from social_scale_core.invoicing.pricing import check_floor, check_multiplier
from social_scale_core.money import MONEY_MAX, order_cost
from social_scale_core.orders.deps import OrderPorts, load
from social_scale_core.orders.links import BadLink, check_link, normalise_link, target_key
from social_scale_core.orders.model import Order, ServiceInfo, Source, StatusChange, new_order_id
from social_scale_core.orders.place_order import invoice_request
from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.orders.ports import (
    OrderCursor,
    OrderPage,
    OrderQuery,
    OrderStats,
    OrdersUnitOfWork,
)
from social_scale_core.orders.replay import replay
from social_scale_core.orders.tracking import BILLED_AS_DELIVERED, settle_invoice
from social_scale_core.panel.provider import OrderStatus, Service
from social_scale_core.ports.uow import read_retrying

MANUAL_SCOPE = "manual"
MONEY_PLACES = 8
T = TypeVar("T")


@frozen
class StatsChange:
    """Corrections an admin may make; None leaves a value as it is."""

    start_count: int | None = None
    remains: int | None = None
    charge: Decimal | None = None


def _read(ports: OrderPorts, fn: Callable[[OrdersUnitOfWork], T]) -> T:
    """`fn` writes nothing: it runs in a read unit, again if the connection broke."""
    return read_retrying(ports.reads or ports.uow, fn)


def get_order(ports: OrderPorts, order_id: str) -> Order:
    return _read(ports, lambda uow: load(uow, order_id))


def status_history(ports: OrderPorts, order_id: str) -> Sequence[StatusChange]:
    """The order's status changes, oldest first (its timeline)."""
    return _read(ports, lambda uow: uow.orders.status_history(order_id))


def list_orders(ports: OrderPorts, query: OrderQuery, limit: int,
                offset: int) -> tuple[list[Order], int]:
    return _read(ports, lambda uow: uow.orders.list(query, limit, offset))


def page_orders(ports: OrderPorts, query: OrderQuery, limit: int,
                after: OrderCursor | None) -> OrderPage:
    """A keyset page of the listing (the console's orders list)."""
    return _read(ports, lambda uow: uow.orders.page(query, limit, after))


def order_heads(ports: OrderPorts,
                queries: Sequence[tuple[OrderQuery, int]]) -> Sequence[Sequence[Order]]:
    """The first orders of each listing, as many as its limit, read at once (the
    dashboard's lists)."""
    return _read(ports, lambda uow: uow.orders.heads(queries))


def order_stats(ports: OrderPorts, query: OrderQuery) -> OrderStats:
    return _read(ports, lambda uow: uow.orders.stats(query))


def company_orders(ports: OrderPorts, company_id: str, query: OrderQuery, limit: int,
                   offset: int) -> tuple[list[Order], int]:
    """A company's orders, deleted company included (its history stays); NotFound if unknown."""
    with ports.uow() as uow:
        if uow.companies.get(company_id) is None:
            raise NotFound(f"No company with id {company_id}.")
        return uow.orders.list(evolve(query, company_id=company_id), limit, offset)


def _manual_errors(ports: OrderPorts, draft: OrderDraft, api_order_id: int,
                   service: Service | None) -> list[FieldError]:
    errors: list[FieldError] = []
    with ports.uow() as uow:
        company = uow.companies.get(draft.company_id)
        taken = uow.orders.by_api_id(api_order_id) is not None
    if company is None or not company.is_active:
        errors.append(FieldError("companyId", f"no active company with id {draft.company_id}"))
    if service is None:
        errors.append(FieldError("service", f"no service {draft.service} in the catalog"))
    if draft.quantity < 1:
        errors.append(FieldError("quantity", "must be at least 1"))
    if api_order_id < 1:
        errors.append(FieldError("apiOrderId", "must be a positive integer"))
    try:
        normalise_link(draft.link) if service is None else check_link(draft.link,
                                                                       service.network)
    except BadLink as exc:
        errors.append(FieldError("link", str(exc)))
    if draft.invoice_multiplier is not None:
        try:
            check_multiplier(draft.invoice_multiplier, "invoiceMultiplier")
            check_floor(draft.invoice_multiplier, ports.invoice_policy.min_multiplier,
                        allowed=draft.allow_below_cost, field="invoiceMultiplier",
                        source="the order's multiplier")
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if taken and not errors:
        raise DuplicateOrder("apiOrderId", f"An order with apiOrderId {api_order_id} exists.")
    return errors


def _manual_order(ports: OrderPorts, draft: OrderDraft, api_order_id: int,
                  service: Service) -> Order:
    now, link = ports.clock.now(), normalise_link(draft.link)
    units = draft.quantity * (draft.params.runs or 1)
    return Order(
        id=new_order_id(), company_id=draft.company_id, provider_id=ports.provider_id,
        service=ServiceInfo(service.service_id, service.name, service.type, service.network,
                            service.rate),
        link=link, target_key=target_key(link), quantity=draft.quantity, params=draft.params,
        cost=order_cost(service.rate, units), currency=service.currency,
        status=OrderStatus.PENDING, source=Source.MANUAL, created_at=now, updated_at=now,
        api_order_id=api_order_id, invoice_multiplier=draft.invoice_multiplier,
        allow_below_cost=draft.allow_below_cost,
    )


def record_manual_order(ports: OrderPorts, draft: OrderDraft, api_order_id: int,
                        key: str | None) -> Order:
    """Record an order placed outside the API (status `pending`, no invoice: the admin can
    issue one). 422 for bad fields, DuplicateOrder (409) for a taken apiOrderId; with an
    Idempotency-Key a repeat returns the first order."""
    fingerprint = draft.fingerprint(MANUAL_SCOPE, api_order_id) if key else None
    if key is not None:
        existing = _read(ports, lambda uow: uow.orders.by_key(key))
        if existing is not None:
            return replay(ports, existing, fingerprint).order
    service = ports.catalog.get(draft.service)
    errors = _manual_errors(ports, draft, api_order_id, service)
    if errors:
        raise ValidationFailed(errors)
    assert service is not None
    order = _manual_order(ports, draft, api_order_id, service)
    order.idempotency_key, order.request_fingerprint = key, fingerprint
    try:
        with ports.uow() as uow:
            uow.orders.add(order)
            uow.commit()
    except DuplicateOrder as exc:
        winner = _read(ports, lambda uow: uow.orders.by_key(key)) if key else None
        if exc.field != "idempotencyKey" or winner is None:
            raise
        return replay(ports, winner, fingerprint).order
    return order


def _resolve_placed(uow: OrdersUnitOfWork, order: Order, api_order_id: int | None,
                    ports: OrderPorts) -> None:
    """An order that never got its panel id is found on the panel: attach it and invoice."""
    if api_order_id is None:
        raise ValidationFailed.single("apiOrderId", "is required to mark this order pending")
    other = uow.orders.by_api_id(api_order_id)
    if other is not None and other.id != order.id:
        raise DuplicateOrder("apiOrderId", f"An order with apiOrderId {api_order_id} exists.")
    now = ports.clock.now()
    order.api_order_id = api_order_id
    order.move_to(OrderStatus.PENDING, now)
    order.error_code = None
    company = uow.companies.get(order.company_id)
    if order.invoice_multiplier is None:
        order.invoice_multiplier = ports.invoice_policy.default_multiplier
    if company is not None and uow.invoices.get_by_order(order.id) is None:
        request, batch_id = invoice_request(order, company), uow.orders.batch_of(order.id)
        invoice = (bill_in_batch(uow, batch_id, request, now, ports.invoice_policy)
                   if batch_id is not None
                   else issue_invoice(uow, request, now, ports.invoice_policy))
        order.invoice_id = invoice.id


def set_status(ports: OrderPorts, order_id: str, status: OrderStatus,
               api_order_id: int | None = None) -> Order:
    """Move an order along its lifecycle by hand (IllegalTransition otherwise).

    Resolving an order without a panel id (`unknown`, or a stuck `submitting`): `pending`
    with the `apiOrderId` found on the panel (its invoice is issued then), or `failed`.
    """
    if status is OrderStatus.CANCELING:
        raise IllegalTransition(
            "Only a cancel request the panel accepts makes an order canceling.")
    with ports.uow() as uow:
        order = load(uow, order_id, for_update=True)
        resolving = order.api_order_id is None and status is OrderStatus.PENDING
        if api_order_id is not None and not resolving:
            raise ValidationFailed.single(
                "apiOrderId", "may only be given to mark an order without one pending")
        if resolving:
            _resolve_placed(uow, order, api_order_id, ports)
        elif order.move_to(status, ports.clock.now()):
            if order.status in BILLED_AS_DELIVERED:
                settle_invoice(uow, order, ports.clock.now(), ports)
            if order.status is OrderStatus.FAILED and order.error_code is None:
                order.error_code = "marked_failed"
        uow.orders.save(order)
        uow.commit()
    return order


def _check_stats(change: StatsChange) -> None:
    errors = []
    if change.start_count is not None and change.start_count < 0:
        errors.append(FieldError("startCount", "must not be negative"))
    charge = change.charge
    if charge is not None:
        exponent = charge.normalize().as_tuple().exponent
        if not charge.is_finite() or charge < 0:
            errors.append(FieldError("charge", "must be a decimal amount of at least 0"))
        elif charge > MONEY_MAX:
            errors.append(FieldError("charge", f"must be at most {MONEY_MAX}"))
        elif isinstance(exponent, int) and -exponent > MONEY_PLACES:
            errors.append(FieldError(
                "charge", f"must be a decimal amount with at most {MONEY_PLACES} places"))
    if errors:
        raise ValidationFailed(errors)


def _check_remains(order: Order, remains: int | None) -> None:
    """Between -units (the panel over-delivered) and units (nothing delivered)."""
    if remains is not None and not -order.units <= remains <= order.units:
        raise ValidationFailed.single("remains", (
            f"must be between -{order.units} and {order.units} (the order's units; "
            "negative: delivered more than ordered)"))


def set_stats(ports: OrderPorts, order_id: str, change: StatsChange) -> Order:
    """Correct start count, remains (within -units..units) or charge (>= 0) by hand; an
    order that ended partial or canceled has its invoice follow the corrected remains, as
    after a sync (it never bills more than before)."""
    _check_stats(change)
    with ports.uow() as uow:
        order = load(uow, order_id, for_update=True)
        _check_remains(order, change.remains)
        for name in ("start_count", "remains", "charge"):
            value = getattr(change, name)
            if value is not None:
                setattr(order, name, value)
        now = order.updated_at = ports.clock.now()
        uow.orders.save(order)
        if change.remains is not None and order.status in BILLED_AS_DELIVERED:
            settle_invoice(uow, order, now, ports)
        uow.commit()
    return order
