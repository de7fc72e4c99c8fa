"""Configuration: one pydantic-settings object read from the environment and `.env`."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    BeforeValidator,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./data/social_scale.db"
KNOWN_DEFAULT_SECRETS = frozenset(
    {"", "secret", "changeme", "change-me", "your-secret-key", "jwt-secret", "development"}
)
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object) -> timedelta:
    """Parse `90s`, `15m`, `12h`, `7d` (or plain seconds) into a timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match or int(match.group(1)) <= 0:
        raise ValueError("use a positive duration such as 90s, 15m, 12h or 7d")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
CsvList = Annotated[list[str], NoDecode, BeforeValidator(_split_csv)]


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line for the operator."""


class Settings(BaseSettings):
    """Every setting of the service. Defaults give the zero-configuration sandbox."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    port: int = Field(3000, ge=1, le=65535)
    app_env: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    jwt_secret: SecretStr | None = None
    jwt_access_token_expiry: Duration = timedelta(minutes=15)
    jwt_refresh_token_expiry: Duration = timedelta(days=7)
    fampage_api_key: SecretStr | None = None
    fampage_base_url: str = "https://fampage.in/api/v2"
    # One time-out for every panel action; unset: the client's per-action defaults.
    fampage_timeout: Duration | None = None
    integration_log_retention_days: int = Field(90, ge=1)
    sandbox_seed: int = 0
    # Set by `serve` for its workers: the one sandbox simulator they share (internal).
    sandbox_panel_url: str | None = None
    # Companies (issue 4): public creations allowed per client address and hour.
    company_create_limit_per_hour: int = Field(20, ge=1)
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_pass: SecretStr | None = None
    smtp_from: str = "Social Scale <no-reply@socialscale.local>"
    web_concurrency: int = Field(2, ge=1, le=64)
    # Threads per worker: requests mostly wait on the panel (hundreds of ms for `add`), so
    # many threads per core; the DB pool and the panel connections are sized to match.
    web_threads: int = Field(16, ge=1, le=256)
    cors_origins: CsvList = Field(default_factory=list)
    max_body_bytes: int = Field(1_048_576, ge=1024)
    log_level: str = "INFO"
    # Invoicing (issue 5): numbering, dates, GST, and the agency as the invoices' seller.
    invoice_number_prefix: str = Field("SS", pattern=r"^[A-Za-z0-9-]{1,5}$")
    invoice_credit_note_prefix: str = Field("CN", pattern=r"^[A-Za-z0-9-]{1,5}$")
    invoice_fy_start_month: int = Field(4, ge=1, le=12)
    invoice_due_days: int = Field(7, ge=0, le=365)
    invoice_default_multiplier: Decimal = Field(Decimal(8), gt=0, le=1000, decimal_places=4)
    invoice_tax_mode: Literal["off", "gst"] = "off"
    invoice_tax_inclusive: bool = False
    invoice_timezone: str = "Asia/Kolkata"
    agency_legal_name: str = "Social Scale"
    agency_gstin: str | None = Field(None, pattern=r"^\d{2}[A-Z0-9]{13}$")
    agency_address: str | None = None
    agency_state_code: str | None = Field(None, pattern=r"^\d{2}$")
    agency_email: str | None = None
    invoice_font_path: str | None = None  # a .ttf; default: the packaged Noto Sans
    # Money (issue 11): the lowest multiplier an invoice may have unless an order says
    # allowBelowCost (below 1 the client pays less than the panel charges).
    invoice_min_multiplier: Decimal = Field(Decimal(1), gt=0, le=1000, decimal_places=4)
    # "fast" makes argon2 cheap for test suites; production refuses it.
    password_hash_profile: Literal["strong", "fast"] = "strong"  # noqa: S105
    # Background sync (issue 6): seconds between passes (+-20% jitter), ids per panel call.
    sync_interval: Duration = timedelta(seconds=30)
    sync_batch_size: int = Field(100, ge=1, le=100)
    # Batches synced at once by one worker process (threads; 1 on SQLite: one writer).
    sync_concurrency: int = Field(4, ge=1, le=16)
    # Invoice delivery, payment details, reminders and operator alerts (issue 16).
    agency_phone: str | None = None
    agency_logo_path: str | None = None  # a PNG or JPEG printed at the top of invoices
    agency_bank_name: str | None = None
    agency_bank_account_name: str | None = None
    agency_bank_account: str | None = Field(None, pattern=r"^[0-9A-Za-z]{6,34}$")
    agency_bank_ifsc: str | None = Field(None, pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$")
    agency_upi_id: str | None = Field(None, pattern=r"^[A-Za-z0-9._-]{2,256}@[A-Za-z0-9.-]{2,64}$")
    # Days after the due date on which an unpaid invoice gets a reminder; empty: none.
    invoice_reminder_days: Annotated[list[int], NoDecode, BeforeValidator(_split_csv)] = Field(
        default_factory=list)
    outbox_max_attempts: int = Field(5, ge=1, le=50)
    outbox_retry_base: Duration = timedelta(minutes=1)  # doubled after each failed attempt
    alert_balance_below: Decimal | None = Field(None, ge=0, decimal_places=4)
    alert_balance_days: Decimal | None = Field(None, gt=0, le=365, decimal_places=2)
    alert_sync_stall: Duration = timedelta(minutes=10)
    alert_order_stall: Duration = timedelta(minutes=10)  # in `submitting` longer: stalled
    alert_urls: CsvList = Field(default_factory=list)  # apprise URLs (tgram://, slack://, json://)
    alert_email: str | None = None  # default: every admin's address
    # /metrics: public when unset; when set, scrapers must send `Authorization: Bearer <it>`.
    metrics_token: SecretStr | None = None
    # Catalog in the database and mass orders (issue 15): the catalog's refresh interval
    # (SERVICES_CACHE_TTL, its old name, still works), the rate rise that makes a change
    # significant (percent), and how many lines of a mass order are placed at once.
    catalog_refresh: Duration = Field(
        timedelta(minutes=10),
        validation_alias=AliasChoices("catalog_refresh", "services_cache_ttl"))
    price_alert_percent: Decimal = Field(Decimal(10), gt=0, le=10000, decimal_places=2)
    mass_order_concurrency: int = Field(4, ge=1, le=32)
    # Operator console (issue 14): a signed-in browser is signed out after this long idle.
    console_idle_timeout: Duration = timedelta(minutes=30)

    @field_validator("jwt_secret", "fampage_api_key", "smtp_pass", "agency_gstin", "metrics_token",
                     "agency_state_code", "agency_address", "agency_email",
                     "invoice_font_path", "agency_phone", "agency_logo_path",
                     "agency_bank_name", "agency_bank_account_name", "agency_bank_account",
                     "agency_bank_ifsc", "agency_upi_id", "alert_balance_below",
                     "alert_balance_days", "alert_email", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _gst_needs_the_agency_gstin(self) -> Settings:
        if self.invoice_tax_mode == "gst" and not self.agency_gstin:
            raise ValueError("INVOICE_TAX_MODE=gst needs AGENCY_GSTIN")
        return self

    @field_validator("invoice_reminder_days")
    @classmethod
    def _reminder_steps(cls, days: list[int]) -> list[int]:
        if any(d < 1 or d > 365 for d in days):
            raise ValueError("use whole days from 1 to 365, e.g. 3,7,14")
        return sorted(set(days))

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def db_pool_size(self) -> int:
        """Connections each process keeps: one per request thread, two for background work."""
        return self.web_threads + 2

    @property
    def sandbox(self) -> bool:
        """True when the built-in Fampage simulator stands in for the panel."""
        return self.fampage_api_key is None and not self.is_production

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix) :])
        return None

    def check_production(self) -> None:
        """Refuse unsafe production settings with one clear line."""
        if not self.is_production:
            return
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if secret.strip().lower() in KNOWN_DEFAULT_SECRETS:
            raise ConfigError("JWT_SECRET must be set to a random value in production")
        if len(secret.encode()) < 32:
            raise ConfigError("JWT_SECRET must be at least 32 bytes long in production")
        if self.fampage_api_key is None:
            raise ConfigError("FAMPAGE_API_KEY must be set in production")
        if self.password_hash_profile != "strong":  # noqa: S105
            raise ConfigError("PASSWORD_HASH_PROFILE must be 'strong' in production")

    def resolved_jwt_secret(self) -> tuple[str, str | None]:
        """The JWT secret, generating and persisting one outside production if unset.

        Returns (secret, warning); the warning is None when the secret was configured.
        """
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value(), None
        self.check_production()
        base = self.sqlite_path.parent if self.sqlite_path else Path("data")
        path = base / ".jwt_secret"
        if path.exists():
            return path.read_text().strip(), f"JWT_SECRET not set: using the one kept in {path}"
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        path.write_text(secret)
        path.chmod(0o600)
        return secret, f"JWT_SECRET not set: generated one and kept it in {path}"
