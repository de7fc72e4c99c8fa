"""Prometheus metrics: HTTP requests, the background sync, and `/metrics` (the panel-call
counters live in `social_scale_wiring.panel_metrics`, beside the container that uses them).

Under gunicorn, `social-scale serve` sets PROMETHEUS_MULTIPROC_DIR (unless given) before
any worker starts, so every worker writes its samples there and `/metrics` adds them up
across workers (prometheus-client's multiprocess mode). `/metrics` is public unless
METRICS_TOKEN is set; then it needs `Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import falcon
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from social_scale_core.clock import Clock
from social_scale_core.errors import InvalidToken

from social_scale_http.api import operation

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
HTTP_REQUESTS = Counter("social_scale_http_requests_total", "HTTP requests answered",
                        ["route", "method", "status"])
HTTP_LATENCY = Histogram(
    "social_scale_http_request_duration_seconds", "Time to answer an HTTP request",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ORDERS_SYNCED = Counter("social_scale_orders_synced_total",
                        "Orders brought current by the background sync")
SYNC_FAILURES = Counter("social_scale_sync_failures_total",
                        "Sync passes that failed because the panel did")


class HttpMetrics:
    """Falcon middleware: counts each request by route template, method and status."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.metrics_started = time.perf_counter()

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        route = req.uri_template or "unmatched"  # templates, never raw paths: bounded labels
        HTTP_REQUESTS.labels(route, req.method, str(resp.status_code)).inc()
        started = getattr(req.context, "metrics_started", None)
        if started is not None:
            HTTP_LATENCY.labels(route, req.method).observe(time.perf_counter() - started)


class SyncMetrics:
    """SyncObserver feeding the sync counters."""

    def synced(self, orders: int) -> None:
        ORDERS_SYNCED.inc(orders)

    def failed(self) -> None:
        SYNC_FAILURES.inc()


class SyncLagCollector(Collector):
    """`social_scale_sync_lag_seconds`, read from the database at scrape time: the age of
    the oldest last check among open orders (0 when none is open)."""

    def __init__(self, oldest_check: Callable[[], datetime | None], clock: Clock) -> None:
        self._oldest = oldest_check
        self._clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("social_scale_sync_lag_seconds",
                                  "Age of the oldest open order's last status check")
        try:
            oldest = self._oldest()
        except Exception:  # the database is down: report no sample rather than fail
            return
        lag = 0.0 if oldest is None else (self._clock.now() - oldest).total_seconds()
        gauge.add_metric([], max(0.0, lag))
        yield gauge


def exposition(extra: Collector | None = None) -> bytes:
    """The text exposition: across gunicorn workers in multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    if extra is not None:
        registry.register(extra)
    data: bytes = generate_latest(registry)
    return data


class _Default(Collector):
    """The process's default registry, re-exposed beside per-scrape collectors."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


class MetricsResource:
    def __init__(self, token: str | None, extra: Collector | None = None) -> None:
        self._token = token
        self._extra = extra

    @operation("Prometheus metrics (Bearer METRICS_TOKEN when that is set)", tags=("ops",),
               public=True, hidden=True, produces=CONTENT_TYPE_LATEST)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self._token is not None:
            given = (req.get_header("Authorization") or "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), self._token.encode()):
                raise InvalidToken("/metrics needs the METRICS_TOKEN as a bearer token.")
        resp.content_type = CONTENT_TYPE_LATEST
        resp.data = exposition(self._extra)


def metrics_resource(container: Any) -> MetricsResource:
    """`/metrics` with the sync-lag gauge read through the container's storage."""
    from social_scale_core.sync.worker import oldest_open_check

    settings = container.settings()
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    lag = SyncLagCollector(lambda: oldest_open_check(container.uow), container.clock())
    return MetricsResource(token, lag)
