"""Harnesses that run the Provider contract over each implementation.

A harness gives a Provider plus the few controls a test needs to drive the panel behind it
(move time, set the balance, count what the panel really did).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from social_scale_adapters.fampage import rules
from social_scale_adapters.fampage.client import FampageClient
from social_scale_adapters.fampage.simulator import Simulator, create_simulator
from social_scale_adapters.fampage.simulator.server import SimulatorServer
from social_scale_core.clock import FrozenClock
from social_scale_core.errors import ProviderRejected
from social_scale_core.ports.provider import Provider

from tests.fakes.provider import InMemoryProvider

FAST = {"services": 2.0, "add": 0.5, "status": 0.5, "statuses": 0.5, "refill": 0.5,
        "refill_status": 0.5, "cancel": 0.5, "balance": 0.5}
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ACTIONS = ("services", "add", "status", "statuses", "refill", "refill_status", "cancel",
           "balance")


class Harness:
    """What every implementation offers; `read_only` ones run only the read-only tests."""

    name = "?"
    read_only = False
    variant: rules.Variant = "fampage"
    provider: Provider

    def bad_key(self) -> Provider:
        raise NotImplementedError

    def progress(self) -> None:
        """Move every new order from Pending to In progress."""
        raise NotImplementedError

    def finish(self) -> None:
        """Let every order reach its final status (and accepted cancels be processed)."""
        raise NotImplementedError

    def set_balance(self, amount: Decimal) -> None:
        raise NotImplementedError

    def placed(self) -> int:
        """Orders the panel really holds."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class MemoryHarness(Harness):
    name = "memory"

    def __init__(self) -> None:
        self.fake = InMemoryProvider()
        self.provider = self.fake

    def bad_key(self) -> Provider:
        fake = InMemoryProvider()
        for action in ACTIONS:  # a wrong key: the fake refuses everything, as the panel does
            fake.fail(action, ProviderRejected(rules.INVALID_KEY))
        return fake

    def progress(self) -> None:
        for order in list(self.fake.orders.values()):
            if order.status == "Pending":
                self.fake.advance(order.order_id)

    def finish(self) -> None:
        for order in list(self.fake.orders.values()):
            for _ in range(3):
                self.fake.advance(order.order_id)

    def set_balance(self, amount: Decimal) -> None:
        self.fake.balance_amount = amount

    def placed(self) -> int:
        return len(self.fake.orders)


class SimulatorHarness(Harness):
    """FampageClient -> simulator, in-process (WSGITransport) or over a real socket."""

    def __init__(self, variant: rules.Variant, socket: bool, **client: Any) -> None:
        self.variant = variant
        self.name = f"{'socket' if socket else 'wsgi'}-{variant}"
        self.sim: Simulator = create_simulator(
            api_key="contract-key", clock=FrozenClock(START), variant=variant
        )
        self.server = SimulatorServer(self.sim).start() if socket else None
        self._clients: list[FampageClient] = []
        self.provider = self.client(**client)

    def client(self, key: str | None = None, **options: Any) -> FampageClient:
        options = {"timeouts": FAST, "sleep": lambda _s: None, **options}
        key = key or self.sim.state.api_key
        if self.server is not None:
            made = FampageClient(self.server.url, key, **options)
        else:
            made = FampageClient("http://sim/api/v2", key, transport=self.sim.transport(),
                                 **options)
        self._clients.append(made)
        return made

    def bad_key(self) -> Provider:
        return self.client(key="wrong-key")

    def progress(self) -> None:
        self.sim.state.advance(61)

    def finish(self) -> None:
        self.sim.state.advance(3600)

    def set_balance(self, amount: Decimal) -> None:
        self.sim.state.balance = amount

    def placed(self) -> int:
        return len(self.sim.state.orders)

    def close(self) -> None:
        for made in self._clients:
            made.close()
        if self.server is not None:
            self.server.stop()


class LiveHarness(Harness):
    """The real Fampage, read-only (FAMPAGE_CONTRACT=1 and FAMPAGE_API_KEY set)."""

    name = "live"
    read_only = True

    def __init__(self) -> None:
        base = os.environ.get("FAMPAGE_BASE_URL", "https://fampage.in/api/v2")
        self.client = FampageClient(base, os.environ["FAMPAGE_API_KEY"])
        self.provider = self.client

    def bad_key(self) -> Provider:
        base = os.environ.get("FAMPAGE_BASE_URL", "https://fampage.in/api/v2")
        return FampageClient(base, "not-a-real-key-0000")

    def close(self) -> None:
        self.client.close()


def live_enabled() -> bool:
    return os.environ.get("FAMPAGE_CONTRACT") == "1" and bool(os.environ.get("FAMPAGE_API_KEY"))


HARNESSES: dict[str, Callable[[], Harness]] = {
    "memory": MemoryHarness,
    "wsgi-fampage": lambda: SimulatorHarness("fampage", socket=False),
    "wsgi-standard": lambda: SimulatorHarness("standard", socket=False),
    "socket-fampage": lambda: SimulatorHarness("fampage", socket=True),
    "live": LiveHarness,
}
