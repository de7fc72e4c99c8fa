"""A TaskRunner on a small thread pool: work handed off so that no request waits for it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import structlog

log = structlog.get_logger("social_scale.tasks")


class ThreadTasks:
    """Runs each task on one of `workers` threads; a task's exception is logged, never
    lost and never raised to the caller that queued it."""

    def __init__(self, workers: int = 2, name: str = "task") -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    def __call__(self, task: Callable[[], None]) -> None:
        self._pool.submit(self._run, task)

    @staticmethod
    def _run(task: Callable[[], None]) -> None:
        try:
            task()
        except Exception:
            log.exception("background_task_failed")

    def close(self) -> None:
        """Wait for the queued tasks (shutdown and tests)."""
        self._pool.shutdown(wait=True)
