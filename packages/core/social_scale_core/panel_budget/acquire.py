"""Taking a token before each panel call: wait briefly when the budget is spent."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable

from social_scale_core.errors import PanelBusy
from social_scale_core.panel_budget.model import BudgetRule, Priority, current_priority
from social_scale_core.panel_budget.ports import BudgetStore

# Told once per `acquire`: its priority, the seconds it waited, whether it got a token.
WaitObserver = Callable[[Priority, float, bool], None]


class CallBudget:
    """The budget of one panel key. `acquire()` before every HTTP call to the panel.

    An interactive call waits at most `interactive_wait` seconds for a token, a background
    call `background_wait`; then PanelBusy (a ProviderUnavailable: the call was not made).
    `now` gives wall-clock microseconds (shared by hosts), `sleep` waits (tests fake both).
    `observer` hears of every acquire (the metrics of the budget's waits and refusals);
    it must not raise, and an error of its own is ignored.
    """

    def __init__(self, store: BudgetStore, key: str, rule: BudgetRule, *,
                 interactive_wait: float = 10.0, background_wait: float = 60.0,
                 now: Callable[[], int] = lambda: time.time_ns() // 1000,
                 sleep: Callable[[float], None] = time.sleep,
                 observer: WaitObserver | None = None) -> None:
        self._store, self._key, self.rule = store, key, rule
        self._observer = observer
        self._waits = {Priority.INTERACTIVE: interactive_wait,
                       Priority.BACKGROUND: background_wait}
        self._now, self._sleep = now, sleep
        self._jitter = random.Random()

    def acquire(self, priority: Priority | None = None) -> None:
        """Take one call of the budget, waiting for it; PanelBusy if none came in time."""
        priority = priority or current_priority()
        interval, limit = self.rule.interval_us, self.rule.limit_us(priority)
        started = self._now()
        deadline = started + int(self._waits[priority] * 1_000_000)
        while True:
            now = self._now()
            wait = self._store.take(self._key, now, interval, limit)
            if wait is None:
                self._tell(priority, now - started, True)
                return
            if now + wait > deadline:
                self._tell(priority, now - started, False)
                raise PanelBusy(max(1, -(-(now + wait - deadline) // 1_000_000)))
            # A little jitter so that the waiters of many processes do not wake together.
            self._sleep(wait / 1_000_000 + self._jitter.uniform(0, interval / 4_000_000))

    def _tell(self, priority: Priority, waited_us: int, granted: bool) -> None:
        if self._observer is None:
            return
        with contextlib.suppress(Exception):  # a metric must never stop a panel call
            self._observer(priority, max(0, waited_us) / 1_000_000, granted)

    def hold(self, seconds: float) -> None:
        """The panel refused with 429: nobody calls for `seconds` (interactive included)."""
        until = self._now() + int(max(0.0, seconds) * 1_000_000)
        self._store.hold(self._key, until, self.rule.interval_us,
                         self.rule.limit_us(Priority.INTERACTIVE))
