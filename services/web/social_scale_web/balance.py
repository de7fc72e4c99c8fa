"""The panel balance for previews, asked at most every few seconds (each ask is a panel
call, and the preview runs as the operator types)."""

from __future__ import annotations

import threading
import time

from social_scale_core.errors import ProviderError
from social_scale_core.panel.integrations import account_balance
from social_scale_core.panel.provider import Balance
from social_scale_core.ports.provider import Provider


class BalanceCache:
    def __init__(self, provider: Provider, ttl: float = 30.0) -> None:
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

    def forget(self) -> None:
        with self._lock:
            self._value = None
