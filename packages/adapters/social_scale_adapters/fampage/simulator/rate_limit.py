"""The panel's rate limit: at most N calls a minute per API key, beyond that HTTP 429."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import falcon

WINDOW_SECONDS = 60.0


class RateLimiter:
    """A sliding window of real time (not the simulator's clock, which may run fast):
    a call is served when fewer than `limit` calls of its key were served in the last
    60 s; otherwise it is refused, counted in `refused`, and told when to come back.
    Refused calls do not use up the window. `limit` None: no limit (the default)."""

    def __init__(self, limit: int | None,
                 now: Callable[[], float] = time.monotonic) -> None:
        if limit is not None and limit < 1:
            raise ValueError("the rate limit is at least 1 call a minute")
        self.limit = limit
        self.refused = 0
        self._now = now
        self._served: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def admit(self, key: str) -> float | None:
        """None: served (and counted); else the seconds until a call would be served."""
        if self.limit is None:
            return None
        with self.lock:
            now = self._now()
            window = self._served.setdefault(key, deque())
            while window and window[0] <= now - WINDOW_SECONDS:
                window.popleft()
            if len(window) < self.limit:
                window.append(now)
                return None
            self.refused += 1
            return window[0] + WINDOW_SECONDS - now

    def report(self) -> dict[str, int | None]:
        with self.lock:
            return {"rate_limit": self.limit, "rate_limited": self.refused}


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class RateLimitControl:
    """POST /_control/rate_limit {"limit": 120} (null: no limit), e.g. on only while a
    benchmark measures the sync; `check` is the control API's key and body check."""

    def __init__(self, limiter: RateLimiter,
                 check: Callable[[falcon.Request], dict[str, Any]]) -> None:
        self.limiter, self.check = limiter, check

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        resp.media = self.limiter.report()

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        limit = self.check(req).get("limit")
        if limit is not None and (type(limit) is not int or limit < 1):
            raise falcon.HTTPBadRequest(title="give {'limit': n} with n >= 1, or null")
        with self.limiter.lock:
            self.limiter.limit = limit
        resp.media = self.limiter.report()
