"""Run the app under gunicorn from Python, so `social-scale serve` needs no config file."""

from __future__ import annotations

from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from social_scale_app.malloc import bound_malloc_arenas


class JsonLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's own log lines through the process's formatter (`logs.configure`): its
    handlers are dropped and its records propagate to the root logger."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Built in each worker after the fork: engines and pools are never shared.
        from social_scale_adapters.db.analytics.rollup_folder import RollupFolder
        from social_scale_wiring.container import Container
        from social_scale_wiring.sync_config import runs_in_serve

        from social_scale_app.app import create_app
        from social_scale_app.background.runner import InProcessRunner

        container = Container()
        app = create_app(container)
        RollupFolder(container.engine()).start()  # keeps the analytics rollup folded
        if runs_in_serve(container.settings()):
            InProcessRunner(container).start()  # runs rounds while this worker leads
        return app


def run(host: str, port: int, workers: int, threads: int = 16) -> None:
    bound_malloc_arenas()  # before any worker thread exists
    _Gunicorn(options(host, port, workers, threads)).run()


def options(host: str, port: int, workers: int, threads: int = 16) -> dict[str, Any]:
    """The gunicorn settings of `social-scale serve` (the benchmark reuses them)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "logger_class": JsonLogger,
        "loglevel": "warning",
        "preload_app": False,
        "child_exit": _child_exit,
        # The longest request line gunicorn allows (the default is 4094): room for
        # `orderIds` lists and URL-encoded filters; longer ones get gunicorn's 414 page.
        "limit_request_line": 8190,
    }


def _child_exit(_server: Any, worker: Any) -> None:
    # A dead worker's samples must leave the multiprocess metrics (prometheus-client).
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
