"""An in-memory BudgetStore: the same arithmetic as the SQL one (`model.decide`), one lock."""

from __future__ import annotations

import threading

from social_scale_core.panel_budget.model import decide


class MemoryBudgetStore:
    """BudgetStore in a dict, for one process; `tats` is open to tests."""

    def __init__(self) -> None:
        self.tats: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: int, interval: int, limit: int) -> int | None:
        with self._lock:
            decision = decide(self.tats.get(key), now, interval, limit)
            self.tats[key] = decision.tat
            return None if decision.granted else max(1, decision.wait_us)

    def hold(self, key: str, until: int, interval: int, limit: int) -> None:
        with self._lock:
            self.tats[key] = max(self.tats.get(key, 0), until + limit - interval)
