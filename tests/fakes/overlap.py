"""OverlapProbe: a Provider wrapper that notices two calls asking about one order at once.

    probe = OverlapProbe(InMemoryProvider(), hold=0.02)
    ... run several sync workers against `probe` ...
    assert probe.overlaps == [] and probe.largest_batch <= 100

Every `statuses` call registers its ids as in flight for its duration (stretched by
`hold` seconds, to widen the window a race would need); an id already in flight is
recorded in `overlaps`; `most_at_once` is the most `statuses` calls that ran together.
Every other method is passed through to the wrapped provider.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from social_scale_core.panel.provider import PanelOrder, PanelOrderError


class OverlapProbe:
    def __init__(self, inner: Any, hold: float = 0.0) -> None:
        self.inner = inner
        self.hold = hold
        self.overlaps: list[int] = []
        self.asked: Counter[int] = Counter()
        self.batches: list[int] = []
        self.most_at_once = 0
        self._calls = 0
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()

    @property
    def largest_batch(self) -> int:
        return max(self.batches, default=0)

    def statuses(self, order_ids: Sequence[int]) -> dict[int, PanelOrder | PanelOrderError]:
        ids = set(order_ids)
        with self._lock:
            self.overlaps.extend(sorted(ids & self._in_flight))
            self._in_flight |= ids
            self.asked.update(ids)
            self.batches.append(len(order_ids))
            self._calls += 1
            self.most_at_once = max(self.most_at_once, self._calls)
        try:
            time.sleep(self.hold)
            result: dict[int, PanelOrder | PanelOrderError] = self.inner.statuses(order_ids)
            return result
        finally:
            with self._lock:
                self._in_flight -= ids
                self._calls -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
