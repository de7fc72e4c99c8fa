"""Configuration: durations, production refusals, the development secret."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from social_scale_http.settings import ConfigError, Settings, parse_duration


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize(("text", "seconds"), [
    ("90s", 90), ("15m", 900), ("12h", 43200), ("7d", 604800), ("30", 30)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "0m", "-5m", "15 minutes", "1w", "abc"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_defaults_are_the_sandbox() -> None:
    settings = make()
    assert settings.port == 3000
    assert settings.sandbox
    assert settings.database_url.startswith("sqlite:///")
    assert settings.jwt_access_token_expiry == timedelta(minutes=15)
    assert settings.jwt_refresh_token_expiry == timedelta(days=7)


def test_env_vars_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_ACCESS_TOKEN_EXPIRY", "90s")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("FAMPAGE_API_KEY", "k" * 32)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.jwt_access_token_expiry == timedelta(seconds=90)
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert not settings.sandbox


@pytest.mark.parametrize(("values", "message"), [
    ({"fampage_api_key": "k"}, "JWT_SECRET must be set"),
    ({"jwt_secret": "your-secret-key", "fampage_api_key": "k"}, "JWT_SECRET must be set"),
    ({"jwt_secret": "short", "fampage_api_key": "k"}, "at least 32 bytes"),
    ({"jwt_secret": "s" * 40}, "FAMPAGE_API_KEY must be set"),
])
def test_production_refuses_unsafe_settings(values: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make(app_env="production", **values).check_production()


def test_production_accepts_safe_settings() -> None:
    make(app_env="production", jwt_secret="s" * 40, fampage_api_key="k").check_production()


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = make(database_url=f"sqlite:///{tmp_path}/db/x.db")
    first, warning = settings.resolved_jwt_secret()
    assert warning and "generated" in warning
    assert len(first) >= 32
    again, warning2 = settings.resolved_jwt_secret()
    assert again == first and warning2 and "kept" in warning2
    assert (tmp_path / "db" / ".jwt_secret").stat().st_mode & 0o077 == 0


def test_production_warns_about_invoices_a_client_cannot_pay_from() -> None:
    from social_scale_http.invoice_policy import invoice_warnings

    safe = {"app_env": "production", "jwt_secret": "s" * 40, "fampage_api_key": "k"}
    bare = " | ".join(invoice_warnings(make(**safe, invoice_tax_mode="gst",
                                            agency_gstin="29ABCDE1234F1Z5")))
    assert "AGENCY_ADDRESS" in bare and "AGENCY_UPI_ID" in bare and "AGENCY_LEGAL_NAME" in bare
    assert "AGENCY_GSTIN" not in bare
    complete = make(**safe, agency_address="12 MG Road", agency_legal_name="SS Marketing LLP",
                    agency_upi_id="ss@okhdfc")
    assert invoice_warnings(complete) == []
    assert invoice_warnings(make()) == []  # only production warns
    with pytest.raises(ValueError, match="agency_bank_ifsc"):
        make(agency_bank_ifsc="hdfc1234")
