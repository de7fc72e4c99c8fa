"""`social-scale worker`'s own HTTP endpoint: /health/live, /health/ready and /metrics on
WORKER_METRICS_HOST:WORKER_METRICS_PORT, served from a daemon thread."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import falcon
from social_scale_http.metrics import metrics_resource
from social_scale_http.readiness import Readiness
from social_scale_http.resources.health import HealthResource
from social_scale_wiring.container import Container
from social_scale_wiring.sync_config import sync_settings


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # scrapes are not news
        pass


def health_app(container: Container) -> falcon.App:  # type: ignore[type-arg]
    settings = container.settings()
    probe = Readiness(container.engine(), container.uow, container.clock(),
                      sync_settings(settings), in_serve=False)
    health = HealthResource(probe, sandbox=settings.sandbox)
    app = falcon.App()
    app.add_route("/health/live", health, suffix="live")
    app.add_route("/health/ready", health, suffix="ready")
    app.add_route("/metrics", metrics_resource(container))
    return app


def serve_health(container: Container, host: str, port: int) -> WSGIServer:
    """Start serving in the background; returns the server (its `server_port` is bound)."""
    server = make_server(host, port, health_app(container), server_class=_Server,
                         handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="worker-health", daemon=True).start()
    return server
