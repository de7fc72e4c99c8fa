"""A Fampage simulator: the panel protocol over the bundled catalog, with injectable faults.

    sim = create_simulator(seed=0, clock=FrozenClock(...))
    client = sim.client()                    # FampageClient over httpx.WSGITransport
    sim.state.set_fault("add", Fault("timeout"))
    sim.state.advance(120)                   # orders progress with the clock

`serve_simulator` (module `server`) serves the same app over a real socket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from attrs import frozen

from social_scale_adapters.fampage import rules
from social_scale_adapters.fampage.catalog import raw_catalog
from social_scale_adapters.fampage.client import FampageClient
from social_scale_adapters.fampage.simulator.app import build_app
from social_scale_adapters.fampage.simulator.faults import (
    Fault,
    SimulatedDrop,
    SimulatedTimeout,
    parse_fault,
)
from social_scale_adapters.fampage.simulator.rate_limit import RateLimiter
from social_scale_adapters.fampage.simulator.state import SimClock, SimState

__all__ = ["Fault", "ScaledClock", "SimState", "Simulator", "SimulatorTransport",
           "create_simulator", "parse_fault"]
IN_PROCESS_URL = "http://fampage-simulator/api/v2"


class ScaledClock:
    """Real time running `speed` times faster, plus manual `advance` (thread-safe)."""

    def __init__(self, speed: float = 1.0) -> None:
        self._speed = speed
        self._origin = datetime.now(UTC)
        self._t0 = time.monotonic()
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            elapsed = (time.monotonic() - self._t0) * self._speed
            return self._origin + timedelta(seconds=elapsed) + self._offset

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._offset += timedelta(**delta)


class SimulatorTransport(httpx.WSGITransport):
    """In-process wire: simulated time-outs and drops become the httpx errors a socket gives."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except SimulatedTimeout as exc:
            raise httpx.ReadTimeout(f"simulated: {exc}", request=request) from None
        except SimulatedDrop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None


@frozen
class Simulator:
    """`app` is the WSGI app; `state` lets tests drive the panel directly."""

    app: Callable[..., Iterable[bytes]]
    state: SimState

    def transport(self) -> httpx.BaseTransport:
        return SimulatorTransport(app=self.app)

    def client(self, **options: Any) -> FampageClient:
        """A real FampageClient talking to this simulator in-process."""
        options.setdefault("transport", self.transport())
        return FampageClient(IN_PROCESS_URL, self.state.api_key, **options)


def create_simulator(
    *,
    api_key: str = "sim-key",
    seed: int = 0,
    clock: SimClock | None = None,
    balance: Decimal = Decimal("1000000"),
    variant: rules.Variant = "fampage",
    catalog: list[dict[str, Any]] | None = None,
    control: bool = True,
    currency: str = "INR",
    faults: Iterable[str] = (),
    rate_limit: int | None = None,
) -> Simulator:
    """A fresh simulated panel. `catalog` defaults to the bundled snapshot with seeded flags;
    `faults` are specs like "add=timeout" (see `faults`); `control` enables /_control/*;
    `rate_limit`: calls a minute per key answered before HTTP 429s (None: no limit)."""
    if variant not in ("fampage", "standard"):
        raise ValueError(f"unknown variant {variant!r}")
    state = SimState(
        api_key=api_key, seed=seed, clock=clock or ScaledClock(), balance=balance,
        variant=variant, catalog=catalog if catalog is not None else raw_catalog(seed),
        currency=currency,
    )
    for spec in faults:
        state.set_fault(*parse_fault(spec))
    limiter = RateLimiter(rate_limit)
    return Simulator(app=build_app(state, control=control, limiter=limiter), state=state)
