"""The container's Fampage wiring: settings reach the catalog, simulator and provider record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from dependency_injector import providers
from social_scale_app.sync_wiring import catalog_step
from social_scale_core.clock import FrozenClock
from social_scale_core.panel.records import FAMPAGE
from social_scale_wiring.container import Container
from social_scale_wiring.provider_wiring import SANDBOX_BASE_URL
from social_scale_wiring.settings import Settings

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def test_integration_settings_have_documented_defaults_and_read_the_env(
        monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.catalog_refresh == timedelta(minutes=10)
    assert defaults.price_alert_percent == 10 and defaults.mass_order_concurrency == 4
    assert defaults.integration_log_retention_days == 90
    assert defaults.fampage_timeout is None and defaults.sandbox_seed == 0
    monkeypatch.setenv("CATALOG_REFRESH", "90s")
    monkeypatch.setenv("PRICE_ALERT_PERCENT", "12.5")
    monkeypatch.setenv("MASS_ORDER_CONCURRENCY", "8")
    monkeypatch.setenv("INTEGRATION_LOG_RETENTION_DAYS", "30")
    monkeypatch.setenv("FAMPAGE_TIMEOUT", "5s")
    monkeypatch.setenv("SANDBOX_SEED", "7")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.catalog_refresh == timedelta(seconds=90)
    assert settings.price_alert_percent == Decimal("12.5")
    assert settings.mass_order_concurrency == 8
    assert settings.integration_log_retention_days == 30
    assert settings.fampage_timeout == timedelta(seconds=5) and settings.sandbox_seed == 7


def test_the_old_name_of_the_refresh_interval_still_works(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICES_CACHE_TTL", "2m")
    assert Settings(_env_file=None).catalog_refresh == timedelta(minutes=2)  # type: ignore[call-arg]


def test_the_refresh_interval_comes_from_the_settings(
        make_container: Callable[..., Container]) -> None:
    """The round's catalog step refreshes once CATALOG_REFRESH has passed, not before;
    readers never ask the panel once the catalog is loaded."""
    container = make_container(catalog_refresh="1m")
    clock = FrozenClock(T0)
    container.clock.override(providers.Object(clock))
    catalog, state = container.catalog(), container.simulator().state
    step = catalog_step(container)
    catalog.snapshot()
    clock.advance(seconds=59)
    step()
    catalog.snapshot()
    assert state.calls["services"] == 1
    clock.advance(seconds=1)
    step()
    catalog.snapshot()
    assert state.calls["services"] == 2


def test_the_sandbox_simulator_takes_its_seed(make_container: Callable[..., Container]) -> None:
    assert make_container(sandbox_seed=7).simulator().state.seed == 7


def test_the_provider_record_is_ensured_once_and_follows_the_configuration(
        make_container: Callable[..., Container]) -> None:
    sandbox = make_container()
    db_url = sandbox.settings().database_url
    first = sandbox.provider_id()
    assert sandbox.provider_id() == first
    with sandbox.uow() as uow:
        row = uow.providers.get_by_name(FAMPAGE)
    assert row is not None and row.is_sandbox and row.base_url == SANDBOX_BASE_URL
    live = make_container(db_url, fampage_api_key="k" * 20,
                          fampage_base_url="https://fampage.in/api/v2")
    assert live.provider_id() == first  # the same row, updated
    with live.uow() as uow:
        row = uow.providers.get_by_name(FAMPAGE)
    assert row is not None and not row.is_sandbox
    assert row.base_url == "https://fampage.in/api/v2" and row.currency == "INR"
