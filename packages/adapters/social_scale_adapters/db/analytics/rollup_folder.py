"""A daemon thread folding the analytics deltas into the rollup every few seconds, so
the deltas the stats add on top of the rollup stay few (`rollup.fold`)."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, exists, select

from social_scale_adapters.db.analytics.rollup import fold
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas
from social_scale_adapters.db.engine import vacuum

log = logging.getLogger("social_scale.analytics")
FOLD_EVERY = 5.0  # seconds
VACUUM_AFTER = 20_000  # deltas folded (deleted) before the folder vacuums their table


def fold_pending(engine: Engine) -> int:
    """One fold in its own transaction when deltas are waiting; the number moved."""
    with engine.connect() as conn:
        if not conn.execute(select(exists().select_from(analytics_deltas))).scalar():
            return 0
    with engine.begin() as conn:
        return fold(conn)


def vacuum_deltas(engine: Engine) -> None:
    """Reclaim the folded deltas' dead rows now (PostgreSQL; see `engine.vacuum`)."""
    vacuum(engine, "analytics_deltas")


class RollupFolder:
    def __init__(self, engine: Engine, every: float = FOLD_EVERY) -> None:
        self._engine, self._every = engine, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rollup-folder", daemon=True)

    def start(self) -> RollupFolder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        folded = 0
        while not self._stop.wait(self._every):
            try:
                folded += fold_pending(self._engine)
                if folded >= VACUUM_AFTER:
                    vacuum_deltas(self._engine)
                    folded = 0
            except Exception:  # the next round retries; the figures stay exact meanwhile
                log.exception("rollup_fold_failed")
