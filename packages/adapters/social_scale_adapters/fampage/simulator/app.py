"""The simulator's WSGI app: the panel protocol (POST form or GET query) and a control API.

Control endpoints (only with `control=True`; every call needs header `X-Api-Key: <key>`):

    GET    /_control/orders                 {"orders": [...]} (settled to the clock)
    POST   /_control/orders/{id}            {"status": "Partial", "remains": 10}
    GET    /_control/calls                  {"calls": {"add": 1, ...}, "rate_limit": 120,
                                            "rate_limited": 0} requests per action, 429s
    GET    /_control/faults                 {"faults": {"add": "timeout*1"}}
    POST   /_control/faults                 {"fault": "add=timeout"} or {"faults": [...]}
    DELETE /_control/faults                 all; `?action=add` for one
    POST   /_control/advance                {"seconds": 60} moves the simulator's clock
    GET    /_control/balance, POST {"balance": "100.00"}
    POST   /_control/hold                   {"hold": true} holds every add; false releases
    POST   /_control/rate_limit             {"limit": 120} calls a minute per key; null: off
    /_control/services[/{id}]               the catalog: see `catalog_control`
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

import falcon

from social_scale_adapters.fampage.simulator import protocol
from social_scale_adapters.fampage.simulator.catalog_control import ServicesControl
from social_scale_adapters.fampage.simulator.faults import (
    BEFORE_ACTING,
    DEFAULT_ERROR,
    DEFAULT_HOLD_SECONDS,
    Fault,
    SimulatedDrop,
    SimulatedFault,
    SimulatedTimeout,
    parse_fault,
)
from social_scale_adapters.fampage.simulator.rate_limit import (
    RateLimitControl,
    RateLimiter,
    retry_after_header,
)
from social_scale_adapters.fampage.simulator.state import SimState

SIGNAL = "simulator.signal"  # environ key: a SimulatedFault for the wire to act out
CUT = "simulator.cut"  # environ key set by the socket server: cuts the TCP connection
_HTML = ("<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}"
         "</h1></center><hr><center>nginx</center></body></html>")
_REASONS = {"500": "Internal Server Error", "502": "Bad Gateway",
            "503": "Service Temporarily Unavailable", "504": "Gateway Time-out"}


class PanelResource:
    def __init__(self, state: SimState, limiter: RateLimiter) -> None:
        self.state, self.limiter = state, limiter

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self._serve(req, resp, {k: str(v) for k, v in req.params.items()})

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = req.bounded_stream.read().decode("utf-8", "replace")
        params = {k: str(v) for k, v in req.params.items()}
        params.update(parse_qsl(body, keep_blank_values=True))
        self._serve(req, resp, params)

    def _serve(self, req: falcon.Request, resp: falcon.Response, params: dict[str, str]) -> None:
        action = params.get("action", "")
        with self.state.lock:
            self.state.calls[action] += 1
        wait = self.limiter.admit(params.get("key", ""))
        if wait is not None:  # as the panel does: 429, Retry-After, nothing done
            resp.status = 429
            resp.set_header("Retry-After", retry_after_header(wait))
            resp.content_type = falcon.MEDIA_TEXT
            resp.text = "Too Many Requests"
            return
        fault = self.state.take_fault(action)
        if fault is not None and self._before(fault, resp):
            return
        if action == "add" and self.state.holding:
            self.state.wait_for_release()  # before acting: released, the order is placed
        text = json.dumps(protocol.handle(self.state, params))
        resp.content_type = falcon.MEDIA_JSON
        resp.text = text
        if fault is not None:
            self._after(fault, req, resp, text)

    def _before(self, fault: Fault, resp: falcon.Response) -> bool:
        """Apply a fault that comes before the panel acts; True if it answered already."""
        if fault.kind == "latency":
            time.sleep(fault.seconds(0) / 1000)
        if fault.kind not in BEFORE_ACTING:
            return False
        if fault.kind == "error":
            resp.content_type = falcon.MEDIA_JSON
            resp.text = json.dumps({"error": fault.arg or DEFAULT_ERROR})
        elif fault.kind == "429":
            resp.status = 429
            resp.set_header("Retry-After", str(int(fault.seconds(1))))
            resp.content_type = falcon.MEDIA_TEXT
            resp.text = "Too Many Requests"
        else:
            resp.status = int(fault.kind)
            resp.content_type = falcon.MEDIA_HTML
            resp.text = _HTML.format(code=fault.kind, reason=_REASONS[fault.kind])
        return True

    def _after(self, fault: Fault, req: falcon.Request, resp: falcon.Response, text: str) -> None:
        if fault.kind == "malformed":
            resp.text = text[: max(1, len(text) // 2)]
        elif fault.kind == "timeout":
            req.env[SIGNAL] = SimulatedTimeout(fault.seconds(DEFAULT_HOLD_SECONDS))
        elif fault.kind == "drop":
            req.env[SIGNAL] = SimulatedDrop()


class _Control:
    """Base of the control resources: the panel's key in `X-Api-Key`, JSON bodies."""

    def __init__(self, state: SimState) -> None:
        self.state = state

    def check(self, req: falcon.Request) -> dict[str, Any]:
        given = (req.get_header("X-Api-Key") or "").encode()
        if not hmac.compare_digest(given, self.state.api_key.encode()):
            raise falcon.HTTPUnauthorized(title="Invalid API key")
        if req.method not in ("POST", "PUT"):
            return {}
        body = req.bounded_stream.read()
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise falcon.HTTPBadRequest(title="the body is not JSON") from None
        if not isinstance(data, dict):
            raise falcon.HTTPBadRequest(title="the body must be a JSON object")
        return data


class OrdersControl(_Control):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        resp.media = {"orders": self.state.orders_list()}

    def on_post_one(self, req: falcon.Request, resp: falcon.Response, order_id: int) -> None:
        data = self.check(req)
        if order_id not in self.state.orders:
            raise falcon.HTTPNotFound(title="Incorrect order ID")
        remains = data.get("remains")
        try:
            order = self.state.set_status(order_id, str(data["status"]),
                                          None if remains is None else int(remains))
        except (KeyError, ValueError, TypeError) as exc:
            raise falcon.HTTPBadRequest(title=f"bad status change: {exc}") from None
        resp.media = order.as_dict()


class CallsControl(_Control):
    def __init__(self, state: SimState, limiter: RateLimiter) -> None:
        super().__init__(state)
        self.limiter = limiter

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        with self.state.lock:
            calls = dict(self.state.calls)
        resp.media = {"calls": calls, **self.limiter.report()}


class FaultsControl(_Control):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        with self.state.lock:
            resp.media = {"faults": {a: f.describe() for a, f in self.state.faults.items()}}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        data = self.check(req)
        specs = data.get("faults") or [data.get("fault")]
        try:
            parsed = [parse_fault(str(spec)) for spec in specs]
        except ValueError as exc:
            raise falcon.HTTPBadRequest(title=str(exc)) from None
        for action, fault in parsed:
            self.state.set_fault(action, fault)
        self.on_get(req, resp)

    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        self.state.clear_faults(req.get_param("action"))
        resp.status = falcon.HTTP_204


class ClockControl(_Control):
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        data = self.check(req)
        try:
            self.state.advance(float(data["seconds"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise falcon.HTTPBadRequest(title=f"give {{'seconds': n}}: {exc}") from None
        resp.media = {"now": self.state.clock.now().isoformat()}


class BalanceControl(_Control):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        resp.media = {"balance": str(self.state.balance), "currency": self.state.currency}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        data = self.check(req)
        try:
            self.state.balance = Decimal(str(data["balance"]))
        except (KeyError, InvalidOperation) as exc:
            raise falcon.HTTPBadRequest(title=f"give {{'balance': '100.00'}}: {exc}") from None
        self.on_get(req, resp)


class HoldControl(_Control):
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self.check(req).get("hold", True):
            self.state.hold_adds()
        else:
            self.state.release_adds()
        resp.media = {"hold": self.state.holding}


def build_app(state: SimState, *, control: bool,
              limiter: RateLimiter | None = None) -> Callable[..., Iterable[bytes]]:
    """The WSGI app; simulated network faults leave it as SIGNAL for the wire to act out.
    `limiter`: the panel's calls-a-minute limit per key (default: none)."""
    app = falcon.App()
    limiter = limiter or RateLimiter(None)
    panel = PanelResource(state, limiter)
    for path in ("/", "/api/v2", "/api/v2/"):
        app.add_route(path, panel)
    if control:
        orders = OrdersControl(state)
        app.add_route("/_control/orders", orders)
        app.add_route("/_control/orders/{order_id:int}", orders, suffix="one")
        app.add_route("/_control/calls", CallsControl(state, limiter))
        app.add_route("/_control/faults", FaultsControl(state))
        app.add_route("/_control/advance", ClockControl(state))
        app.add_route("/_control/balance", BalanceControl(state))
        app.add_route("/_control/hold", HoldControl(state))
        app.add_route("/_control/rate_limit", RateLimitControl(limiter, _Control(state).check))
        services = ServicesControl(state, _Control(state).check)
        app.add_route("/_control/services", services)
        app.add_route("/_control/services/{service_id:int}", services, suffix="one")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = app(environ, start_response)
        signal: SimulatedFault | None = environ.get(SIGNAL)
        if signal is None:
            return result
        cut: Callable[[], None] | None = environ.get(CUT)
        if cut is None:
            raise signal  # in-process: SimulatorTransport turns it into an httpx error
        if isinstance(signal, SimulatedTimeout):
            time.sleep(signal.hold)  # the answer comes, too late for the client
            return result
        cut()
        raise ConnectionAbortedError("simulated drop")  # wsgiref ends the request quietly

    return wsgi
