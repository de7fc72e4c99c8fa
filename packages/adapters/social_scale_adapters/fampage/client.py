"""FampageClient: the Provider port over httpx (form POSTs, retries for reads only).

How an attempt's failure maps to core errors (`add` is never retried: duplicates are money):

| what happened                                   | reads (retried)     | add                    |
|-------------------------------------------------|---------------------|------------------------|
| connect refused / connect or pool time-out      | ProviderUnavailable | ProviderUnavailable    |
| read/write time-out after sending               | ProviderTimeout     | ProviderOutcomeUnknown |
| connection dropped, protocol error after send   | ProviderUnavailable | ProviderOutcomeUnknown |
| 429, 503 (refused before acting; Retry-After)   | ProviderUnavailable | ProviderUnavailable    |
| 500, 502, 504 (a proxy page; the panel may have | Unavailable/Timeout | ProviderOutcomeUnknown |
| acted behind it)                                |                     |                        |
| other 4xx without a JSON error (wrong URL)      | ProviderUnavailable | ProviderUnavailable    |
| `{"error"}` / `{"message"}`, any HTTP status    | ProviderRejected    | ProviderRejected       |
| unreadable 200 body                             | ProviderBadResponse | ProviderOutcomeUnknown |

Before every attempt the client takes one call of the shared `budget` (PANEL_CALLS_PER_MINUTE,
in the database): PanelBusy when none came in time, and nothing is sent. A 429 also tells
the budget to hold every process's calls for the panel's Retry-After.

`refill` and `cancel` are not retried either; their lost answers are ProviderUnavailable or
ProviderTimeout (asking again is harmless). The API key goes only in the POST body: it is
replaced by "[redacted]" in every ProviderCall, and scrubbed from response and error texts.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from social_scale_core.errors import (
    PanelBusy,
    ProviderBadResponse,
    ProviderError,
    ProviderOutcomeUnknown,
    ProviderTimeout,
    ProviderUnavailable,
)
from social_scale_core.panel.provider import (
    AddRequest,
    Balance,
    CancelResult,
    PanelOrder,
    PanelOrderError,
    ProviderCall,
    Service,
)
from social_scale_core.panel_budget import CallBudget
from social_scale_core.ports.provider import CallObserver

from social_scale_adapters.fampage import parsing

T = TypeVar("T")
READ_ACTIONS = frozenset({"services", "status", "statuses", "refill_status", "balance"})
DEFAULT_TIMEOUTS: dict[str, float] = {
    "services": 30.0, "add": 30.0, "status": 10.0, "statuses": 20.0, "refill": 15.0,
    "refill_status": 10.0, "cancel": 15.0, "balance": 10.0,
}
BATCH = 100
MAX_LOGGED_CHARS = 4000
MAX_HOLD_SECONDS = 60.0
REDACTED = "[redacted]"
# The panel's `action` for each port method (several of ours share one of theirs).
_PANEL_ACTION = {"statuses": "status"}
_ADD_FIELDS = ("service", "link", "quantity", "runs", "interval", "comments", "usernames",
               "hashtags", "username", "media", "answer_number", "keywords")


class _Busy(ProviderUnavailable):
    """429/503: the panel refused before acting, maybe saying when to come back."""

    def __init__(self, detail: str, retry_after: float | None, status: int) -> None:
        super().__init__(detail)
        self.retry_after, self.status = retry_after, status


class FampageClient:
    """The Provider port for Fampage (and panels of the same API v2 family).

    One pooled httpx.Client for the whole process (thread-safe); call `close()` at exit.
    Read actions are retried `max_retries` times on unavailability, time-outs, 5xx and 429,
    waiting `backoff * 2**n` plus jitter, or the panel's Retry-After (at most
    `max_retry_after` seconds). `timeouts` overrides DEFAULT_TIMEOUTS per action.
    `connections`: how many threads may call at once without a new TCP connection each.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        observer: CallObserver | None = None,
        timeouts: dict[str, float] | None = None,
        max_retries: int = 2,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        account_currency: str | None = None,
        max_retry_after: float = 10.0,
        connections: int = 20,
        budget: CallBudget | None = None,
    ) -> None:
        if not api_key.strip():
            raise ValueError("the Fampage API key is empty")
        self._url = base_url
        self._key = api_key
        self._observer = observer
        self._timeouts = {**DEFAULT_TIMEOUTS, **(timeouts or {})}
        self._max_retries = max(0, max_retries)
        self._backoff = backoff
        self._sleep = sleep
        self._max_retry_after = max_retry_after
        self._currency = account_currency
        self._budget = budget
        self._jitter = random.Random()
        # Kept-alive connections for every thread that may call at once (`connections`);
        # a burst beyond that opens more rather than waiting for a free one.
        self._http = httpx.Client(
            transport=transport, follow_redirects=False,
            limits=httpx.Limits(max_connections=max(100, connections),
                                max_keepalive_connections=connections),
            headers={"User-Agent": "social-scale/0.1", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    # ---- the Provider port ---------------------------------------------------------
    def services(self) -> list[Service]:
        currency = self._currency or parsing.DOCUMENTED_CURRENCY
        return self._call("services", {}, lambda p: parsing.parse_services(p, currency))

    def add(self, request: AddRequest) -> int:
        params = {f: str(v) for f in _ADD_FIELDS if (v := getattr(request, f)) is not None}
        return self._call("add", params, parsing.parse_order_id)

    def status(self, order_id: int) -> PanelOrder:
        return self._call(
            "status", {"order": str(order_id)},
            lambda p: parsing.parse_order(order_id, p, self._currency),
        )

    def statuses(self, order_ids: Sequence[int]) -> dict[int, PanelOrder | PanelOrderError]:
        unique = list(dict.fromkeys(order_ids))
        result: dict[int, PanelOrder | PanelOrderError] = {}
        for start in range(0, len(unique), BATCH):
            result.update(self._statuses_batch(unique[start : start + BATCH]))
        return result

    def _statuses_batch(self, batch: list[int]) -> dict[int, PanelOrder | PanelOrderError]:
        return self._call(
            "statuses", {"orders": ",".join(map(str, batch))},
            lambda p: parsing.parse_statuses(p, batch, self._currency),
        )

    def refill(self, order_id: int) -> str:
        return self._call("refill", {"order": str(order_id)}, parsing.parse_refill_id)

    def refill_status(self, refill_id: str) -> str:
        return self._call("refill_status", {"refill": refill_id}, parsing.parse_refill_status)

    def cancel(self, order_id: int) -> CancelResult:
        # Fampage reads `order`, the standard script `orders`: send both, each ignores the other.
        params = {"order": str(order_id), "orders": str(order_id)}
        return self._call("cancel", params, lambda p: parsing.parse_cancel(p, order_id))

    def balance(self) -> Balance:
        found = self._call("balance", {}, lambda p: parsing.parse_balance(p, self._currency))
        self._currency = found.currency
        return found

    # ---- one call: attempts, retries, the log --------------------------------------
    def _call(self, action: str, params: dict[str, str], parse: Callable[[Any], T]) -> T:
        attempts = 1 + (self._max_retries if action in READ_ACTIONS else 0)
        for attempt in range(attempts):
            if self._budget is not None:
                self._budget.acquire()  # PanelBusy: nothing sent, no retry
            try:
                return self._attempt(action, params, parse)
            except PanelBusy:
                raise
            except (ProviderUnavailable, ProviderTimeout) as exc:
                delay = self._delay(attempt, exc)
                if isinstance(exc, _Busy) and exc.status == 429 and self._budget is not None:
                    # Every process pauses as long as the panel asks (a minute at most).
                    with contextlib.suppress(ProviderError):  # best effort: keep `exc`
                        self._budget.hold(min(exc.retry_after or delay, MAX_HOLD_SECONDS))
                if attempt + 1 >= attempts:
                    raise
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, exc: ProviderError) -> float:
        wait = getattr(exc, "retry_after", None)
        if wait is not None:
            return float(min(max(wait, 0.0), self._max_retry_after))
        return float(self._backoff * 2**attempt + self._jitter.uniform(0, self._backoff))

    def _attempt(self, action: str, params: dict[str, str], parse: Callable[[Any], T]) -> T:
        started, t0 = datetime.now(UTC), time.perf_counter()
        status_code: int | None = None
        text: str | None = None
        error: str | None = None
        try:
            response = self._send(action, params)
            status_code, text = response.status_code, response.text
            self._check_http(action, response)
            return self._parse(action, text, parse)
        except ProviderError as exc:
            error = exc.detail = self._scrub(exc.detail)
            exc.args = (error,)  # a panel echoing the key must not leak it upwards
            raise
        finally:
            self._record(ProviderCall(
                action=action, request={"key": REDACTED, **params},
                response=None if text is None else self._scrub(text)[:MAX_LOGGED_CHARS],
                status_code=status_code, duration_ms=int((time.perf_counter() - t0) * 1000),
                success=error is None, error=error, started_at=started,
            ))

    def _send(self, action: str, params: dict[str, str]) -> httpx.Response:
        data = {"key": self._key, "action": _PANEL_ACTION.get(action, action), **params}
        sent_unsafe = action == "add"
        try:
            return self._http.post(self._url, data=data, timeout=self._timeouts[action])
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ProviderUnavailable(f"cannot reach the panel: {self._why(exc)}") from None
        except httpx.TimeoutException as exc:
            if sent_unsafe:
                raise ProviderOutcomeUnknown(f"no answer in time: {self._why(exc)}") from None
            raise ProviderTimeout(f"the panel did not answer in time: {self._why(exc)}") from None
        except httpx.HTTPError as exc:
            if sent_unsafe:
                raise ProviderOutcomeUnknown(f"answer lost: {self._why(exc)}") from None
            raise ProviderUnavailable(f"connection to the panel failed: {self._why(exc)}") from None

    def _check_http(self, action: str, response: httpx.Response) -> None:
        code = response.status_code
        if code in (429, 503):
            raise _Busy(f"the panel is busy (HTTP {code})", _retry_after(response), code)
        if code >= 500:
            if action == "add":
                raise ProviderOutcomeUnknown(f"HTTP {code} after sending the order")
            kind = ProviderTimeout if code == 504 else ProviderUnavailable
            raise kind(f"the panel failed (HTTP {code})")
        if code >= 300 and not _json_error(response.text):
            raise ProviderUnavailable(f"unexpected HTTP {code} from the panel")

    def _parse(self, action: str, text: str, parse: Callable[[Any], T]) -> T:
        try:
            return parse(parsing.loads(text))
        except ProviderBadResponse as exc:
            if action == "add":
                raise ProviderOutcomeUnknown(f"unreadable answer to add: {exc.detail}") from None
            raise

    def _record(self, call: ProviderCall) -> None:
        if self._observer is None:
            return
        with contextlib.suppress(Exception):  # recording a call must never break the call
            self._observer.record(call)

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, REDACTED)

    def _why(self, exc: Exception) -> str:
        return self._scrub(str(exc) or type(exc).__name__)


def _json_error(text: str) -> bool:
    try:
        return parsing.error_message(parsing.loads(text)) is not None
    except ProviderBadResponse:
        return False


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
