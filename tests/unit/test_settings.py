"""Configuration: durations, production refusals, the development secret."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from social_scale_wiring.settings import ConfigError, Settings, parse_duration


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


SECRET = "Zx4qT9wLm2Vb7Rk0Pn5Hs8Jd3Fg6Ya1Ce"  # a random 34 characters
KEY = "FPK-7c1d2e3f4a5b6c7d"
SAFE = {"app_env": "production", "jwt_secret": SECRET, "fampage_api_key": KEY,
        "metrics_token": "m" * 32}


@pytest.mark.parametrize(("values", "message"), [
    ({"jwt_secret": None}, "JWT_SECRET must be set"),
    ({"jwt_secret": "your-secret-key"}, "JWT_SECRET must be set"),
    ({"jwt_secret": "short"}, "at least 32 bytes"),
    ({"jwt_secret": "s" * 40}, "too easy to guess"),
    ({"jwt_secret": "password" * 5}, "too easy to guess"),
    ({"jwt_secret": "secret-secret-secret-secret-secret"}, "too easy to guess"),
    ({"fampage_api_key": None}, "FAMPAGE_API_KEY must be set"),
    ({"fampage_api_key": "k" * 15}, "FAMPAGE_API_KEY must be at least 16"),
    ({"jwt_access_token_expiry": "61m"}, "JWT_ACCESS_TOKEN_EXPIRY must be at most 1h"),
    ({"metrics_token": None}, "METRICS_TOKEN must be set"),
    ({"smtp_host": "smtp.example", "smtp_tls": "none"}, "SMTP_TLS=none is refused"),
    ({"admin_bootstrap_token": "b" * 31}, "ADMIN_BOOTSTRAP_TOKEN must be at least 32"),
])
def test_production_refuses_unsafe_settings(values: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make(**{**SAFE, **values}).check_production()


def test_production_accepts_safe_settings() -> None:
    make(**SAFE, jwt_access_token_expiry="1h", smtp_host="smtp.example",
         admin_bootstrap_token="b" * 32).check_production()


def test_smtp_tls_defaults_to_ssl_on_465_and_starttls_elsewhere() -> None:
    assert make(smtp_port=465).smtp_tls_mode == "ssl"
    assert make(smtp_port=587).smtp_tls_mode == "starttls"
    assert make(smtp_port=25, smtp_tls="none").smtp_tls_mode == "none"


def test_register_needs_the_bootstrap_token_unless_development_on_loopback() -> None:
    assert not make().bootstrap_required
    assert not make(host="127.0.0.1").bootstrap_required
    assert make(host="0.0.0.0").bootstrap_required
    assert make(admin_bootstrap_token="b" * 32).bootstrap_required
    assert make(**SAFE).bootstrap_required
    assert make().host == "127.0.0.1"


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = make(database_url=f"sqlite:///{tmp_path}/db/x.db")
    first, warning = settings.resolved_jwt_secret()
    assert warning and "generated" in warning
    assert len(first) >= 32
    again, warning2 = settings.resolved_jwt_secret()
    assert again == first and warning2 and "kept" in warning2
    assert (tmp_path / "db" / ".jwt_secret").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "db").stat().st_mode & 0o777 == 0o700


def test_production_warns_about_invoices_a_client_cannot_pay_from() -> None:
    from social_scale_wiring.invoice_policy import invoice_warnings

    safe = SAFE
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
