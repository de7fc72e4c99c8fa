"""Independent reads of one page run at once, each on its own connection: the operator
waits for the slowest of them, not for their sum (the dashboard's six reads).

A small pool per process; its threads start on first use (after gunicorn forks). Each
call runs in a copy of the caller's context (the request id, the panel call context).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_POOL = ThreadPoolExecutor(max_workers=6, thread_name_prefix="page-read")


def gather(*calls: Callable[[], Any]) -> list[Any]:
    """Every call's result in order; the first exception raised is raised here, after
    every call has finished (no read is left running past the request)."""
    futures = [_POOL.submit(contextvars.copy_context().run, call) for call in calls]
    for future in futures:
        future.exception()  # wait for all
    return [future.result() for future in futures]
