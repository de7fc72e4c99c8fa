"""Builds the panel client: the real Fampage, or the in-process simulator in sandbox mode."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from social_scale_adapters.fampage.client import DEFAULT_TIMEOUTS, FampageClient
from social_scale_adapters.fampage.parsing import DOCUMENTED_CURRENCY
from social_scale_core.clock import Clock
from social_scale_core.panel.integration_log import IntegrationLogRecorder
from social_scale_core.panel.ports import IntegrationsUowFactory
from social_scale_core.panel.records import ProviderConfig
from social_scale_core.panel_budget import BudgetRule, CallBudget
from social_scale_core.ports.provider import CallObserver
from sqlalchemy import Engine

from social_scale_wiring.panel_metrics import observe_budget
from social_scale_wiring.settings import Settings

if TYPE_CHECKING:
    from social_scale_adapters.fampage.simulator import Simulator

# Never resolved: the sandbox client talks to the simulator through a WSGI transport.
SANDBOX_BASE_URL = "http://fampage-sandbox.invalid/api/v2"
SANDBOX_API_KEY = "sandbox-key"


def api_key(settings: Settings) -> str:
    if settings.sandbox or settings.fampage_api_key is None:
        return SANDBOX_API_KEY
    return settings.fampage_api_key.get_secret_value()


def build_integration_log(uow: IntegrationsUowFactory, clock: Clock,
                         settings: Settings) -> IntegrationLogRecorder:
    return IntegrationLogRecorder(
        uow, clock, retention=timedelta(days=settings.integration_log_retention_days),
        secrets=[api_key(settings)],
    )


def build_simulator(settings: Settings) -> Simulator:
    """The sandbox's in-process panel: its own seed, real time (loaded only when used)."""
    from social_scale_adapters.fampage.simulator import create_simulator

    return create_simulator(api_key=SANDBOX_API_KEY, seed=settings.sandbox_seed)


def build_budget(settings: Settings, engine: Engine) -> CallBudget | None:
    """The call budget of this panel key (None: PANEL_CALLS_PER_MINUTE=0): the panel counts
    calls per key, whatever URL spelling reaches it. The bucket is named by a digest of the
    key, so the key itself never reaches the table."""
    if settings.panel_calls_per_minute == 0:
        return None
    from social_scale_adapters.db.panel.panel_budget import SqlBudgetStore

    digest = hashlib.sha256(f"panel-call-budget\n{api_key(settings)}".encode()).hexdigest()
    return CallBudget(SqlBudgetStore(engine), digest[:40],
                      BudgetRule.for_limit(settings.panel_calls_per_minute),
                      interactive_wait=settings.panel_budget_wait.total_seconds(),
                      observer=observe_budget)


def build_provider(settings: Settings, observer: CallObserver,
                  simulator: Callable[[], Simulator],
                  budget: CallBudget | None = None) -> FampageClient:
    """The Fampage client; in sandbox mode wired to the simulator without any socket."""
    options: dict[str, Any] = {"observer": observer, "connections": settings.db_pool_size,
                               "budget": budget}
    if settings.fampage_timeout is not None:
        seconds = settings.fampage_timeout.total_seconds()
        options["timeouts"] = dict.fromkeys(DEFAULT_TIMEOUTS, seconds)
    if settings.sandbox and settings.sandbox_panel_url:
        return FampageClient(settings.sandbox_panel_url, SANDBOX_API_KEY, **options)
    if settings.sandbox:
        # The simulator's transport acts out its time-out and drop faults as httpx errors.
        transport = simulator().transport()
        return FampageClient(SANDBOX_BASE_URL, SANDBOX_API_KEY, transport=transport, **options)
    return FampageClient(settings.fampage_base_url, api_key(settings), **options)


def build_provider_config(settings: Settings) -> ProviderConfig:
    """What the `providers` row should say, from configuration."""
    return ProviderConfig(
        base_url=SANDBOX_BASE_URL if settings.sandbox else settings.fampage_base_url,
        currency=DOCUMENTED_CURRENCY, is_sandbox=settings.sandbox,
    )
