"""The panel balance for the previews and the dashboard, asked at most every few seconds:
each ask is a panel call (a quarter of a second or more, and one of the budget's 100 a
minute), the preview runs as the operator types, and the dashboard is reloaded. A console
placement forgets it; the dashboard says how old it is."""

from __future__ import annotations

import threading
import time

from social_scale_core.errors import ProviderError
from social_scale_core.panel.integrations import account_balance
from social_scale_core.panel.provider import Balance
from social_scale_core.ports.provider import Provider


class BalanceCache:
    def __init__(self, provider: Provider, ttl: float = 15.0) -> None:
        self._provider = provider
        self._ttl = ttl
        self._lock = threading.Lock()
        self._value: Balance | None = None
        self._at = 0.0

    def get(self) -> Balance | None:
        """The balance, at most `ttl` seconds old; None when the panel does not answer."""
        with self._lock:
            if self._value is not None and time.monotonic() - self._at < self._ttl:
                return self._value
        try:
            value = account_balance(self._provider)
        except ProviderError:
            return None
        with self._lock:
            self._value, self._at = value, time.monotonic()
        return value

    def current(self) -> tuple[Balance | str, float]:
        """The balance and its age in seconds (at most `ttl`), or what the panel said when
        it failed (a failure is not kept: the next ask tries again)."""
        with self._lock:
            if self._value is not None and time.monotonic() - self._at < self._ttl:
                return self._value, time.monotonic() - self._at
        try:
            value = account_balance(self._provider)
        except ProviderError as exc:
            return exc.detail or "The panel did not answer.", 0.0
        with self._lock:
            self._value, self._at = value, time.monotonic()
        return value, 0.0

    def forget(self) -> None:
        with self._lock:
            self._value = None
