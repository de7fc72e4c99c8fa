"""The simulated panel's books: balance, orders moving with the clock, refills, faults.

Every order's timeline is drawn when it is placed from a generator seeded by (seed, order
id): Pending for 10-60 s, In progress for 60-600 s (drip-feed: at least runs x interval
minutes), then Completed, or Partial (15%) with the undelivered part refunded. An accepted
cancel is processed 30 s later: Canceled with a full refund if nothing was delivered yet,
else Partial. The same seed and the same calls at the same clock times give the same story.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from attrs import define, field
from social_scale_core.money import money_str
from social_scale_core.panel.provider import OrderStatus, status_from_panel

from social_scale_adapters.fampage import rules
from social_scale_adapters.fampage.simulator.faults import Fault

CANCEL_DELAY = timedelta(seconds=30)
REFILL_STEPS = ((timedelta(seconds=60), "Pending"), (timedelta(seconds=300), "In progress"))
MAX_HOLD_SECONDS = 300.0
REFILLABLE = (OrderStatus.COMPLETED, OrderStatus.PARTIAL)


class SimClock(Protocol):
    def now(self) -> datetime: ...


@define
class SimOrder:
    """One order at the simulated panel (what `GET /_control/orders` lists)."""

    order_id: int
    service: dict[str, Any]
    link: str
    quantity: int
    charge: Decimal
    created_at: datetime
    pending_for: timedelta
    run_for: timedelta
    partial_remains: int | None  # set when the order is fated to end Partial
    start_count: int
    raw_status: str = "Pending"
    remains: int = 0
    final: bool = False
    frozen: bool = False  # a status forced by a test stays until the next one
    cancel_at: datetime | None = None
    params: dict[str, str] = field(factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "order": self.order_id, "service": self.service["service"], "link": self.link,
            "quantity": self.quantity, "charge": money_str(self.charge, 4),
            "status": self.raw_status, "remains": self.remains, "start_count": self.start_count,
            "created_at": self.created_at.isoformat(), "cancel_requested": bool(self.cancel_at),
        }


@define
class SimRefill:
    refill_id: int
    order_id: int
    created_at: datetime


class SimState:
    """Thread-safe state of one simulated panel; every method takes the lock."""

    def __init__(
        self, *, api_key: str, seed: int, clock: SimClock, balance: Decimal,
        variant: rules.Variant, catalog: list[dict[str, Any]], currency: str = "INR",
    ) -> None:
        self.api_key = api_key
        self.seed = seed
        self.clock = clock
        self.variant: rules.Variant = variant
        self.currency = currency
        self.services = {int(s["service"]): s for s in catalog}
        self.lock = threading.RLock()
        self.orders: dict[int, SimOrder] = {}
        self.refills: dict[int, SimRefill] = {}
        self.calls: Counter[str] = Counter()  # requests received per panel action
        self.faults: dict[str, Fault] = {}
        self._balance = balance
        self._ids = random.Random(f"fampage-sim-ids:{seed}")
        self._next_id = 200_000_000 + self._ids.randint(0, 9_999_999)
        self._released = threading.Event()
        self._released.set()

    # ---- money -----------------------------------------------------------------------
    @property
    def balance(self) -> Decimal:
        with self.lock:
            self.settle()
            return self._balance

    @balance.setter
    def balance(self, amount: Decimal) -> None:
        with self.lock:
            self._balance = amount

    def _refund(self, order: SimOrder, undelivered: int) -> None:
        undelivered = max(0, min(undelivered, order.quantity))
        refund = order.charge * undelivered / order.quantity if order.quantity else order.charge
        self._balance += refund
        order.charge -= refund
        order.remains = undelivered

    # ---- faults and the add hold ----------------------------------------------------
    def set_fault(self, action: str, fault: Fault) -> None:
        with self.lock:
            self.faults[action] = fault

    def clear_faults(self, action: str | None = None) -> None:
        with self.lock:
            if action is None:
                self.faults.clear()
            else:
                self.faults.pop(action, None)

    def take_fault(self, action: str) -> Fault | None:
        """The fault for this request (counting down its TIMES), if any."""
        with self.lock:
            key = action if action in self.faults else "*"
            fault = self.faults.get(key)
            if fault is not None and fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self.faults[key]
            return fault

    def hold_adds(self) -> None:
        """From now on `add` waits (before acting) until `release_adds`."""
        self._released.clear()

    def release_adds(self) -> None:
        self._released.set()

    @property
    def holding(self) -> bool:
        return not self._released.is_set()

    def wait_for_release(self, limit: float = MAX_HOLD_SECONDS) -> None:
        self._released.wait(limit)

    # ---- time ------------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Move the injected clock (it must have `advance`, like FrozenClock or SimClock)."""
        advance: Callable[..., None] | None = getattr(self.clock, "advance", None)
        if advance is None:
            raise TypeError("this simulator's clock cannot be advanced")
        with self.lock:
            advance(seconds=seconds)
            self.settle()

    def settle(self) -> None:
        """Bring every order up to the clock: progress, finish, process cancels, refund."""
        with self.lock:
            now = self.clock.now()
            for order in self.orders.values():
                if not order.final:
                    self._progress(order, now)

    def _progress(self, order: SimOrder, now: datetime) -> None:
        if order.cancel_at is not None and now >= order.cancel_at:
            delivered = order.quantity - order.remains
            self._finish(order, "Canceled" if delivered == 0 else "Partial", order.remains)
            return
        if order.frozen:
            return
        elapsed = now - order.created_at
        if elapsed < order.pending_for:
            order.raw_status, order.remains = "Pending", order.quantity
        elif elapsed < order.pending_for + order.run_for:
            done = (elapsed - order.pending_for) / order.run_for
            order.raw_status = "In progress"
            order.remains = order.quantity - int(order.quantity * done)
        elif order.partial_remains is not None:
            self._finish(order, "Partial", order.partial_remains)
        else:
            self._finish(order, "Completed", 0)

    def _finish(self, order: SimOrder, raw: str, remains: int) -> None:
        status = status_from_panel(raw)
        if status in (OrderStatus.CANCELED, OrderStatus.FAILED):
            self._refund(order, order.quantity)
        elif status is OrderStatus.PARTIAL:
            self._refund(order, remains)
        else:
            order.remains = remains
        order.raw_status, order.final = raw, status.is_final

    def set_status(self, order_id: int, raw: str, remains: int | None = None) -> SimOrder:
        """Force an order's status (tests, control API); final ones refund like the panel."""
        with self.lock:
            order = self.orders[order_id]
            if order.final:
                raise ValueError(f"order {order_id} is already {order.raw_status}")
            status = status_from_panel(raw)
            if status.is_final:
                self._finish(order, raw, order.quantity // 2 if remains is None else remains)
            else:
                order.raw_status = raw
                order.remains = order.remains if remains is None else remains
                order.frozen = True
            return order

    # ---- the panel's actions (validated params in, books changed) -------------------
    def place(self, service: dict[str, Any], link: str, priced: rules.Priced,
              params: dict[str, str]) -> SimOrder:
        with self.lock:
            if priced.charge > self._balance:
                raise rules.PanelRefusal(rules.funds_message(self.variant))
            self._balance -= priced.charge
            order_id = self._next_id
            self._next_id += self._ids.randint(1, 7)  # other customers order too
            self.orders[order_id] = order = self._new_order(order_id, service, link, priced)
            order.params = params
            return order

    def _new_order(self, order_id: int, service: dict[str, Any], link: str,
                   priced: rules.Priced) -> SimOrder:
        fate = random.Random(f"fampage-sim-order:{self.seed}:{order_id}")
        quantity = priced.quantity
        run_for = timedelta(seconds=fate.uniform(60, 600))
        partial = fate.random() < 0.15 and quantity > 1
        return SimOrder(
            order_id=order_id, service=service, link=link, quantity=quantity,
            charge=priced.charge, created_at=self.clock.now(),
            pending_for=timedelta(seconds=fate.uniform(10, 60)), run_for=run_for,
            partial_remains=fate.randint(1, quantity - 1) if partial else None,
            start_count=fate.randint(0, 5000), remains=quantity,
        )

    def order(self, order_id: int) -> SimOrder | None:
        # Settle just this order (orders progress independently): settling every order on
        # each lookup made a 100-id status call cost O(100 x all orders).
        with self.lock:
            order = self.orders.get(order_id)
            if order is not None and not order.final:
                self._progress(order, self.clock.now())
            return order

    def request_cancel(self, order: SimOrder) -> bool:
        with self.lock:
            if not order.service.get("cancel") or order.final or order.cancel_at is not None:
                return False
            order.cancel_at = self.clock.now() + CANCEL_DELAY
            return True

    def request_refill(self, order: SimOrder) -> SimRefill:
        """As the panel: only a refill-enabled service's completed or partial order, and
        not while an earlier refill of it is still pending or running."""
        with self.lock:
            if not order.service.get("refill"):
                raise rules.PanelRefusal(rules.REFILL_DISABLED)
            if not order.final:
                self._progress(order, self.clock.now())
            if status_from_panel(order.raw_status) not in REFILLABLE:
                raise rules.PanelRefusal(rules.REFILL_NOT_DONE)
            if any(r.order_id == order.order_id and self.refill_status(r) != "Completed"
                   for r in self.refills.values()):
                raise rules.PanelRefusal(rules.REFILL_PENDING)
            refill = SimRefill(len(self.refills) + 1, order.order_id, self.clock.now())
            self.refills[refill.refill_id] = refill
            return refill

    def refill_status(self, refill: SimRefill) -> str:
        age = self.clock.now() - refill.created_at
        return next((raw for limit, raw in REFILL_STEPS if age < limit), "Completed")

    def orders_list(self) -> list[dict[str, Any]]:
        with self.lock:
            self.settle()
            return [o.as_dict() for o in self.orders.values()]
