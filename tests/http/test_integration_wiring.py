"""The container's Fampage wiring: settings reach the catalog, simulator and provider record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from dependency_injector import providers
from social_scale_core.clock import FrozenClock
from social_scale_core.provider_record import FAMPAGE
from social_scale_http.container import Container
from social_scale_http.provider_wiring import SANDBOX_BASE_URL
from social_scale_http.settings import Settings

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def test_integration_settings_have_documented_defaults_and_read_the_env(
        monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.services_cache_ttl == timedelta(minutes=10)
    assert defaults.integration_log_retention_days == 90
    assert defaults.fampage_timeout is None and defaults.sandbox_seed == 0
    monkeypatch.setenv("SERVICES_CACHE_TTL", "90s")
    monkeypatch.setenv("INTEGRATION_LOG_RETENTION_DAYS", "30")
    monkeypatch.setenv("FAMPAGE_TIMEOUT", "5s")
    monkeypatch.setenv("SANDBOX_SEED", "7")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.services_cache_ttl == timedelta(seconds=90)
    assert settings.integration_log_retention_days == 30
    assert settings.fampage_timeout == timedelta(seconds=5) and settings.sandbox_seed == 7


def test_the_catalog_ttl_comes_from_the_settings(make_container: Callable[..., Container]) -> None:
    container = make_container(services_cache_ttl="1m")
    clock = FrozenClock(T0)
    container.clock.override(providers.Object(clock))
    catalog, state = container.catalog(), container.simulator().state
    catalog.snapshot()
    clock.advance(seconds=59)
    catalog.snapshot()
    assert state.calls["services"] == 1
    clock.advance(seconds=1)
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
