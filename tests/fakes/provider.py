"""InMemoryProvider: a documented in-memory fake of the Provider port (the SMM panel).

Use it wherever a use case needs a panel::

    panel = InMemoryProvider()                       # the bundled 415-service catalog, INR
    order_id = panel.add(AddRequest(service=1680, link="https://x", quantity=100))
    panel.advance(order_id)                          # Pending -> In progress -> Completed
    panel.set_status(order_id, "Partial", remains=40)   # prorated refund, charge shrinks
    panel.fail("add", ProviderTimeout("slow"))       # next add raises (times=None: until healed)
    panel.fail("add", ProviderOutcomeUnknown("cut"), placed=True)  # placed, then raises
    assert panel.calls["add"] == 1                   # every call is counted, failed ones too

It follows the contract the simulator and the real client follow (tests/contract checks
both): same validation and messages (`social_scale_adapters.fampage.rules`), balance spent
by the exact charge and refunded on Canceled/Partial, refill/cancel only where the
service's flags allow, `statuses` reporting unknown ids as PanelOrderError.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from attrs import define, field
from social_scale_adapters.fampage import rules
from social_scale_adapters.fampage.catalog import catalog_services
from social_scale_core.errors import ProviderError, ProviderRejected
from social_scale_core.orders.model import refill_is_final
from social_scale_core.panel.provider import (
    AddRequest,
    Balance,
    CancelResult,
    OrderStatus,
    PanelOrder,
    PanelOrderError,
    Service,
    status_from_panel,
)

PROGRESSION = ("Pending", "In progress", "Completed")


@define
class FakeOrder:
    """One order as the fake panel keeps it; tests may read and change it."""

    order_id: int
    request: AddRequest
    service: Service
    quantity: int
    charge: Decimal
    status: str = "Pending"
    start_count: int = 0
    remains: int = 0
    cancel_requested: bool = False
    refills: list[str] = field(factory=list)


@define
class _Fault:
    error: ProviderError
    times: int | None
    placed: bool


class InMemoryProvider:
    """The Provider port in memory, with switchable faults and call counts."""

    def __init__(
        self,
        services: Iterable[Service] | None = None,
        *,
        balance: Decimal = Decimal("1000000"),
        currency: str = "INR",
        first_order_id: int = 1001,
        variant: rules.Variant = "fampage",
    ) -> None:
        catalog = list(services) if services is not None else catalog_services()
        self.catalog: dict[int, Service] = {s.service_id: s for s in catalog}
        self.balance_amount = balance
        self.currency = currency
        self.variant: rules.Variant = variant
        self.orders: dict[int, FakeOrder] = {}
        self.refills: dict[str, str] = {}  # refill id -> raw status text
        self.calls: Counter[str] = Counter()
        self.added: list[AddRequest] = []  # every add that placed an order, in order
        self._faults: dict[str, _Fault] = {}
        self._next_order = first_order_id
        self._lock = threading.RLock()

    # ---- test controls -------------------------------------------------------------
    def fail(
        self, action: str, error: ProviderError, *, times: int | None = None, placed: bool = False
    ) -> None:
        """Make `action` raise `error` (`times` calls, or until `heal`).

        `placed=True` (for `add`) places the order first, as a lost answer would.
        """
        self._faults[action] = _Fault(error, times, placed)

    def heal(self, action: str | None = None) -> None:
        """Stop failing `action` (every action when None)."""
        if action is None:
            self._faults.clear()
        else:
            self._faults.pop(action, None)

    def set_status(
        self,
        order_id: int,
        status: str,
        *,
        remains: int | None = None,
        start_count: int | None = None,
        charge: Decimal | None = None,
    ) -> FakeOrder:
        """Set the panel's raw status; Canceled refunds all, Partial the undelivered part."""
        with self._lock:
            order = self.orders[order_id]
            final = status_from_panel(status)
            if remains is not None:
                order.remains = remains
            if start_count is not None:
                order.start_count = start_count
            if final is OrderStatus.CANCELED:
                self._refund(order, order.quantity)
            elif final is OrderStatus.PARTIAL:
                self._refund(order, order.remains if remains is not None else order.quantity // 2)
            elif final is OrderStatus.COMPLETED:
                order.remains = 0 if remains is None else remains
            if charge is not None:
                order.charge = charge
            order.status = status
            return order

    def advance(self, order_id: int) -> FakeOrder:
        """One step along Pending -> In progress -> Completed (a final status stays).

        An accepted cancel is processed instead: the order becomes Canceled, refunded.
        """
        with self._lock:
            order = self.orders[order_id]
            if order.cancel_requested and not status_from_panel(order.status).is_final:
                return self.set_status(order_id, "Canceled")
            if order.status in PROGRESSION[:-1]:
                return self.set_status(order_id, PROGRESSION[PROGRESSION.index(order.status) + 1])
            return order

    def set_refill_status(self, refill_id: str, status: str) -> None:
        self.refills[refill_id] = status

    def _refund(self, order: FakeOrder, undelivered: int) -> None:
        undelivered = max(0, min(undelivered, order.quantity))
        refund = order.charge * undelivered / order.quantity if order.quantity else order.charge
        self.balance_amount += refund
        order.charge -= refund
        order.remains = undelivered

    def _enter(self, action: str) -> _Fault | None:
        """Count the call; return the fault to apply (raising it unless it places first)."""
        self.calls[action] += 1
        fault = self._faults.get(action)
        if fault is None:
            return None
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                del self._faults[action]
        if not fault.placed:
            raise fault.error
        return fault

    # ---- the Provider port ---------------------------------------------------------
    def services(self) -> list[Service]:
        with self._lock:
            self._enter("services")
            return list(self.catalog.values())

    def add(self, request: AddRequest) -> int:
        with self._lock:
            fault = self._enter("add")
            order_id = self._place(request)
            if fault is not None:
                raise fault.error
            return order_id

    def _place(self, request: AddRequest) -> int:
        service = self.catalog.get(request.service)
        if service is None:
            raise ProviderRejected(rules.INCORRECT_SERVICE)
        try:
            rules.check_link(request.link)
            priced = rules.price_add(
                service_type=service.type, rate=service.rate, least=service.min,
                most=service.max, quantity=request.quantity, comments=request.comments,
                runs=request.runs, interval=request.interval,
            )
        except rules.PanelRefusal as exc:
            raise ProviderRejected(exc.message) from None
        if priced.charge > self.balance_amount:
            raise ProviderRejected(rules.funds_message(self.variant))
        self.balance_amount -= priced.charge
        order_id, self._next_order = self._next_order, self._next_order + 1
        self.orders[order_id] = FakeOrder(
            order_id, request, service, priced.quantity, priced.charge, remains=priced.quantity
        )
        self.added.append(request)
        return order_id

    def _panel_order(self, order: FakeOrder) -> PanelOrder:
        return PanelOrder(
            order_id=order.order_id, status=status_from_panel(order.status),
            raw_status=order.status, charge=order.charge, start_count=order.start_count,
            remains=order.remains, currency=self.currency,
        )

    def status(self, order_id: int) -> PanelOrder:
        with self._lock:
            self._enter("status")
            order = self.orders.get(order_id)
            if order is None:
                raise ProviderRejected(rules.INCORRECT_ORDER)
            return self._panel_order(order)

    def statuses(self, order_ids: Sequence[int]) -> dict[int, PanelOrder | PanelOrderError]:
        with self._lock:
            self._enter("statuses")
            result: dict[int, PanelOrder | PanelOrderError] = {}
            for order_id in order_ids:
                order = self.orders.get(order_id)
                result[order_id] = (
                    self._panel_order(order) if order is not None
                    else PanelOrderError(order_id, rules.INCORRECT_ORDER)
                )
            return result

    def refill(self, order_id: int) -> str:
        with self._lock:
            self._enter("refill")
            order = self.orders.get(order_id)
            if order is None:
                raise ProviderRejected(rules.INCORRECT_ORDER)
            if not order.service.refill:
                raise ProviderRejected(rules.REFILL_DISABLED)
            if status_from_panel(order.status) not in (OrderStatus.COMPLETED,
                                                       OrderStatus.PARTIAL):
                raise ProviderRejected(rules.REFILL_NOT_DONE)
            if any(not refill_is_final(self.refills[r]) for r in order.refills):
                raise ProviderRejected(rules.REFILL_PENDING)
            refill_id = str(len(self.refills) + 1)
            self.refills[refill_id] = "Pending"
            order.refills.append(refill_id)
            return refill_id

    def refill_status(self, refill_id: str) -> str:
        with self._lock:
            self._enter("refill_status")
            if refill_id not in self.refills:
                raise ProviderRejected(rules.INCORRECT_REFILL)
            return self.refills[refill_id]

    def cancel(self, order_id: int) -> CancelResult:
        """Accepted only for a cancellable service's open order; `set_status` then refunds."""
        with self._lock:
            self._enter("cancel")
            order = self.orders.get(order_id)
            if order is None:
                raise ProviderRejected(rules.INCORRECT_ORDER)
            if not order.service.cancel or status_from_panel(order.status).is_final:
                return CancelResult(order_id, False, "the panel refused to cancel")
            order.cancel_requested = True
            return CancelResult(order_id, True)

    def balance(self) -> Balance:
        with self._lock:
            self._enter("balance")
            return Balance(self.balance_amount, self.currency)
