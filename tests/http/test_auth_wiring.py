"""The auth collaborators follow the settings: expiries, hashing profile, mailer choice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from falcon import testing
from social_scale_adapters.auth.mail import BackgroundMailer, LogMailer
from social_scale_app.app import create_app
from social_scale_wiring.container import Container
from social_scale_wiring.settings import ConfigError

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login, make_settings


def test_token_lifetimes_come_from_the_settings(
        make_container: Callable[..., Container]) -> None:
    container = make_container(jwt_access_token_expiry="5m", jwt_refresh_token_expiry="1d")
    client = testing.TestClient(create_app(container))
    client.simulate_post("/api/v1/auth/register", json={
        "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "name": "Admin"})
    tokens = login(client, {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert tokens["expiresIn"] == 300
    assert container.auth_policy().refresh_ttl.total_seconds() == 86400


def test_tests_hash_cheaply_and_production_refuses_to(
        make_container: Callable[..., Container]) -> None:
    assert make_container().password_hasher().inner.profile == "fast"
    settings = make_settings("sqlite://", app_env="production",
                             fampage_api_key="FPK-7c1d2e3f4a5b6c7d",
                             jwt_secret="Zx4qT9wLm2Vb7Rk0Pn5Hs8Jd3Fg6Ya1Ce",
                             metrics_token="m" * 32, password_hash_profile="fast")
    with pytest.raises(ConfigError, match="PASSWORD_HASH_PROFILE"):
        settings.check_production()


def test_the_mailer_follows_smtp_host(make_container: Callable[..., Container]) -> None:
    assert isinstance(make_container().mailer(), LogMailer)
    smtp = make_container(smtp_host="127.0.0.1", smtp_port=2525).mailer()
    assert isinstance(smtp, BackgroundMailer)
    smtp.close()
