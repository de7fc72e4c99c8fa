"""Prometheus counters of the calls to the Fampage panel, fed by the container's call
observer, and of the call budget's waits and refusals, fed by the budget; `/metrics`
exposes them with the rest of the process's default registry."""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from social_scale_core.panel.provider import ProviderCall
from social_scale_core.panel_budget import Priority
from social_scale_core.ports.provider import CallObserver

PROVIDER_CALLS = Counter("social_scale_provider_calls_total", "Calls to the Fampage panel",
                         ["action", "outcome"])
PROVIDER_LATENCY = Histogram("social_scale_provider_call_duration_seconds",
                             "Duration of calls to the Fampage panel", ["action"])
BUDGET_WAIT = Histogram(
    "social_scale_panel_budget_wait_seconds",
    "Time a panel call waited for a token of the call budget (PANEL_CALLS_PER_MINUTE), "
    "whether it got one or not", ["priority"],
    buckets=(0.005, 0.05, 0.25, 1, 2.5, 5, 10, 30, 60))
BUDGET_REFUSALS = Counter(
    "social_scale_panel_budget_refusals_total",
    "Panel calls not made because the call budget gave no token in time (panel_busy)",
    ["priority"])


def observe_budget(priority: Priority, waited: float, granted: bool) -> None:
    """The call budget's observer: each acquire's wait, and each refusal."""
    BUDGET_WAIT.labels(priority.value).observe(waited)
    if not granted:
        BUDGET_REFUSALS.labels(priority.value).inc()


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
