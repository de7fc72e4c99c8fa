"""Prometheus counters of the calls to the Fampage panel, fed by the container's call
observer; `/metrics` exposes them with the rest of the process's default registry."""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from social_scale_core.panel.provider import ProviderCall
from social_scale_core.ports.provider import CallObserver

PROVIDER_CALLS = Counter("social_scale_provider_calls_total", "Calls to the Fampage panel",
                         ["action", "outcome"])
PROVIDER_LATENCY = Histogram("social_scale_provider_call_duration_seconds",
                             "Duration of calls to the Fampage panel", ["action"])


class MetricsObserver:
    """CallObserver counting panel calls by action and outcome, then telling `inner`
    (the integration log): composed into the chain, never replacing it."""

    def __init__(self, inner: CallObserver | None = None) -> None:
        self._inner = inner

    def record(self, call: ProviderCall) -> None:
        try:
            PROVIDER_CALLS.labels(call.action, "success" if call.success else "error").inc()
            PROVIDER_LATENCY.labels(call.action).observe(max(0, call.duration_ms) / 1000)
        except Exception:  # noqa: S110 - a metric must never break a panel call
            pass
        if self._inner is not None:
            self._inner.record(call)
