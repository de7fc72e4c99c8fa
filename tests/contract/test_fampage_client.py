"""FampageClient under every simulated fault: reads retried, `add` never, the key never shown."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from social_scale_adapters.fampage.client import FampageClient
from social_scale_adapters.fampage.simulator import Simulator, create_simulator, parse_fault
from social_scale_adapters.fampage.simulator.server import SimulatorServer
from social_scale_core.clock import FrozenClock
from social_scale_core.errors import (
    ProviderError,
    ProviderOutcomeUnknown,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from social_scale_core.panel.provider import AddRequest, ProviderCall

from tests.contract.provider_harness import FAST, START

KEY = "k3y-S3CRET-9f8e7d"
ORDER = AddRequest(service=1680, link="https://instagram.com/p/x", quantity=100)
READS: dict[str, Callable[[FampageClient], Any]] = {
    "services": lambda c: c.services(),
    "balance": lambda c: c.balance(),
    "status": lambda c: c.status(1),
    "refill_status": lambda c: c.refill_status("1"),
}


class Recorder:
    """A CallObserver that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[ProviderCall] = []

    def record(self, call: ProviderCall) -> None:
        self.calls.append(call)


@pytest.fixture
def sim() -> Simulator:
    return create_simulator(api_key=KEY, clock=FrozenClock(START))


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(sim: Simulator, waits: list[float], recorder: Recorder) -> Iterator[FampageClient]:
    made = sim.client(timeouts=FAST, sleep=waits.append, observer=recorder)
    yield made
    made.close()


def fault(sim: Simulator, spec: str) -> None:
    sim.state.set_fault(*parse_fault(spec))


def _prime_refill(sim: Simulator, client: FampageClient) -> None:
    order_id = client.add(AddRequest(service=_refillable(client), link="https://x.y/z",
                                     quantity=1000))
    sim.state.set_status(order_id, "Completed", remains=0)  # refills follow a finished order
    client.refill(order_id)
    sim.state.calls.clear()


def _refillable(client: FampageClient) -> int:
    return next(s.service_id for s in client.services()
                if s.refill and s.type == "Default" and s.min <= 1000 <= s.max)


@pytest.mark.parametrize("action", list(READS))
@pytest.mark.parametrize("kind", ["500", "502", "503", "504", "429", "drop", "timeout"])
def test_reads_are_retried_until_they_succeed(
    sim: Simulator, client: FampageClient, waits: list[float], action: str, kind: str
) -> None:
    if action == "refill_status":
        _prime_refill(sim, client)
    sim.state.calls.clear()
    fault(sim, f"{action}={kind}*2")
    try:
        READS[action](client)
    except ProviderRejected:
        assert action == "status"  # order 1 is unknown: a proper answer, after the retries
    assert sim.state.calls[action] == 3
    assert len(waits) == 2


@pytest.mark.parametrize(("kind", "error"), [
    ("502", ProviderUnavailable), ("504", ProviderTimeout), ("timeout", ProviderTimeout),
    ("drop", ProviderUnavailable), ("429", ProviderUnavailable),
])
def test_reads_give_up_after_the_retries(
    sim: Simulator, client: FampageClient, kind: str, error: type[ProviderError]
) -> None:
    fault(sim, f"balance={kind}")
    with pytest.raises(error):
        client.balance()
    assert sim.state.calls["balance"] == 3


def test_backoff_grows_with_jitter_and_retry_after_is_respected_up_to_a_cap(
    sim: Simulator, waits: list[float]
) -> None:
    client = sim.client(timeouts=FAST, sleep=waits.append, max_retries=3, backoff=0.1)
    fault(sim, "balance=502*3")
    client.balance()
    assert [0.1 <= waits[0] <= 0.2, 0.2 <= waits[1] <= 0.3, 0.4 <= waits[2] <= 0.5] == [True] * 3
    waits.clear()
    fault(sim, "balance=429:7*1")
    client.balance()
    assert waits == [7.0]
    waits.clear()
    fault(sim, "balance=429:600*1")
    client.balance()
    assert waits == [10.0]


@pytest.mark.parametrize(("kind", "error", "placed"), [
    ("timeout", ProviderOutcomeUnknown, 1),
    ("drop", ProviderOutcomeUnknown, 1),
    ("malformed", ProviderOutcomeUnknown, 1),
    ("500", ProviderOutcomeUnknown, 0),
    ("502", ProviderOutcomeUnknown, 0),
    ("504", ProviderOutcomeUnknown, 0),
    ("503", ProviderUnavailable, 0),
    ("429", ProviderUnavailable, 0),
    ("error", ProviderRejected, 0),
])
def test_add_is_never_retried(
    sim: Simulator, client: FampageClient, waits: list[float], kind: str,
    error: type[ProviderError], placed: int,
) -> None:
    fault(sim, f"add={kind}")
    with pytest.raises(error):
        client.add(ORDER)
    assert sim.state.calls["add"] == 1 and waits == []
    assert len(sim.state.orders) == placed


@pytest.mark.parametrize("action", ["refill", "cancel"])
def test_refill_and_cancel_are_never_retried(
    sim: Simulator, client: FampageClient, action: str
) -> None:
    order_id = client.add(ORDER)
    fault(sim, f"{action}=502")
    with pytest.raises(ProviderUnavailable):
        getattr(client, action)(order_id)
    assert sim.state.calls[action] == 1


def test_add_over_a_socket_times_out_once_and_the_order_exists(sim: Simulator) -> None:
    server = SimulatorServer(sim).start()
    client = FampageClient(server.url, KEY, timeouts={"add": 0.2}, sleep=lambda _s: None)
    try:
        fault(sim, "add=timeout:1")
        started = time.monotonic()
        with pytest.raises(ProviderOutcomeUnknown):
            client.add(ORDER)
        assert time.monotonic() - started < 0.9
        assert sim.state.calls["add"] == 1 and len(sim.state.orders) == 1
    finally:
        client.close()
        server.stop()


def test_add_to_a_closed_port_is_surely_not_placed() -> None:
    server = SimulatorServer(create_simulator(api_key=KEY)).start()
    url = server.url
    server.stop()
    client = FampageClient(url, KEY, sleep=lambda _s: None)
    with pytest.raises(ProviderUnavailable):
        client.add(ORDER)
    client.close()


def test_statuses_go_in_batches_of_100(sim: Simulator, client: FampageClient) -> None:
    placed = [client.add(ORDER) for _ in range(3)]
    ids = [*placed, *range(1, 248)]
    sim.state.calls.clear()
    result = client.statuses(ids + placed)  # repeats are asked once
    assert sim.state.calls["status"] == 3 and len(result) == 250
    assert {o.order_id for o in result.values()} == set(ids)


def test_the_key_never_leaves_the_post_body(sim: Simulator, recorder: Recorder) -> None:
    seen: list[httpx.Request] = []

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return sim.transport().handle_request(request)

    client = FampageClient("http://sim/api/v2", KEY, transport=httpx.MockTransport(spy),
                           observer=recorder, sleep=lambda _s: None, timeouts=FAST)
    errors = _exercise(sim, client)
    assert seen and all(KEY not in str(r.url) and KEY not in str(r.headers) for r in seen)
    assert all(f"key={KEY}".encode() in r.content for r in seen)
    assert recorder.calls and all(c.request["key"] == "[redacted]" for c in recorder.calls)
    assert KEY not in repr(recorder.calls) and KEY not in repr(errors)


def _exercise(sim: Simulator, client: FampageClient) -> list[str]:
    errors = []
    order_id = client.add(ORDER)
    client.status(order_id)
    for spec in ("add=drop", "add=timeout", "add=malformed", "balance=502", "status=error:"
                 + KEY):  # even a panel echoing the key is scrubbed
        fault(sim, spec)
        try:
            client.add(ORDER) if spec.startswith("add") else (
                client.balance() if spec.startswith("balance") else client.status(order_id))
        except ProviderError as exc:
            errors.append(f"{exc!r} {exc.detail}")
        sim.state.clear_faults()
    return errors


def test_every_attempt_is_reported(sim: Simulator, client: FampageClient,
                                   recorder: Recorder) -> None:
    client.services()
    fault(sim, "balance=503*1")
    client.balance()
    services, busy, ok = recorder.calls
    assert (services.action, services.success, services.status_code) == ("services", True, 200)
    assert services.response is not None and len(services.response) == 4000
    assert (busy.success, busy.status_code, busy.error) == (False, 503, busy.error)
    assert busy.error and "503" in busy.error
    assert ok.success and ok.response and '"balance"' in ok.response
    assert all(c.duration_ms >= 0 and c.started_at.tzinfo for c in recorder.calls)


def test_a_failing_observer_never_breaks_the_call(sim: Simulator) -> None:
    class Broken:
        def record(self, call: ProviderCall) -> None:
            raise RuntimeError("log table is gone")

    assert sim.client(observer=Broken()).balance().amount == Decimal("1000000")


def test_the_standard_variant_is_read_too() -> None:
    sim = create_simulator(api_key=KEY, variant="standard", clock=FrozenClock(START))
    client = sim.client()
    order_id = client.add(ORDER)
    assert isinstance(order_id, int)
    assert client.status(order_id).start_count is not None
    assert client.balance().amount == Decimal("1000000") - Decimal("1.8664")


def test_a_html_page_with_200_is_a_bad_response_for_reads() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, text="<html>oops</html>"))
    client = FampageClient("http://x/api", KEY, transport=transport, sleep=lambda _s: None)
    with pytest.raises(ProviderError) as caught:
        client.balance()
    assert type(caught.value).__name__ == "ProviderBadResponse"
    with pytest.raises(ProviderOutcomeUnknown):
        client.add(ORDER)


def test_a_json_error_with_a_4xx_status_is_the_panel_speaking() -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(400, json={"error": "Incorrect request"}))
    client = FampageClient("http://x/api", KEY, transport=transport)
    with pytest.raises(ProviderRejected, match="Incorrect request"):
        client.add(ORDER)


def test_a_status_without_currency_takes_the_account_currency_once_known() -> None:
    answers = {"balance": {"balance": "3.50000", "currency": "USD"},
               "status": {"status": "Inprogress", "charge": 1.25, "remains": "-3"}}

    def panel(request: httpx.Request) -> httpx.Response:
        action = dict(httpx.QueryParams(request.content.decode()))["action"]
        return httpx.Response(200, json=answers[action])

    client = FampageClient("http://x/api", KEY, transport=httpx.MockTransport(panel))
    assert client.status(5).currency is None
    client.balance()
    order = client.status(5)
    assert (order.currency, order.charge, order.remains) == ("USD", Decimal("1.25"), -3)
