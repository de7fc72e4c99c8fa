"""Faults the simulator can inject per action, and the signals that carry them to the wire.

A fault is written `ACTION=KIND[:ARG][*TIMES]` (CLI `--fault`, control API, tests):

    latency:MS     answer normally after MS milliseconds
    timeout[:S]    act, then hold the answer S seconds (default 5; longer than clients wait)
    drop           act, then cut the connection without answering (the order IS placed)
    500|502|503|504  an HTML error page from a "proxy"; the panel does not act
    429[:S]        rate limited, `Retry-After: S` (default 1); the panel does not act
    malformed      act, then answer 200 with truncated JSON
    error[:TEXT]   do not act; answer 200 with {"error": TEXT}

ACTION is a panel action (services, add, status, refill, refill_status, cancel, balance) or
`*` for all. TIMES limits how many requests it hits (default: until cleared).
(Holding every `add` until released is a separate switch: SimState.hold_adds.)
"""

from __future__ import annotations

from attrs import define

KINDS = frozenset({"latency", "timeout", "drop", "500", "502", "503", "504", "429",
                   "malformed", "error"})
ACTIONS = frozenset({"services", "add", "status", "refill", "refill_status", "cancel",
                     "balance", "*"})
# Kinds that answer before the panel does anything (nothing is placed or spent).
BEFORE_ACTING = frozenset({"500", "502", "503", "504", "429", "error"})
DEFAULT_HOLD_SECONDS = 5.0
DEFAULT_ERROR = "Service is temporarily unavailable, try again later"


@define
class Fault:
    kind: str
    arg: str | None = None
    times: int | None = None

    def seconds(self, default: float) -> float:
        return float(self.arg) if self.arg else default

    def describe(self) -> str:
        arg = f":{self.arg}" if self.arg else ""
        times = f"*{self.times}" if self.times is not None else ""
        return f"{self.kind}{arg}{times}"


def parse_fault(spec: str) -> tuple[str, Fault]:
    """`"add=timeout:2*1"` -> ("add", Fault("timeout", "2", 1)); ValueError if malformed."""
    action, eq, rest = spec.partition("=")
    action, rest = action.strip(), rest.strip()
    if not eq or action not in ACTIONS:
        raise ValueError(f"unknown action in fault {spec!r}; use one of {sorted(ACTIONS)}")
    body, star, times_text = rest.partition("*")
    kind, _colon, arg = body.partition(":")
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(KINDS)}")
    times = int(times_text) if star else None
    if times is not None and times < 1:
        raise ValueError("a fault's *TIMES must be at least 1")
    fault = Fault(kind, arg or None, times)
    if kind in ("latency", "timeout", "429") and arg:
        float(arg)  # raises ValueError for a bad number
    return action, fault


class SimulatedFault(Exception):
    """Raised past the WSGI app to the wire, which turns it into a real network failure."""


class SimulatedTimeout(SimulatedFault):
    """The answer is held `hold` seconds: longer than the client waits."""

    def __init__(self, hold: float) -> None:
        super().__init__(f"answer held {hold}s")
        self.hold = hold


class SimulatedDrop(SimulatedFault):
    """The connection is cut after the panel acted, without any answer."""

    def __init__(self) -> None:
        super().__init__("connection dropped")
