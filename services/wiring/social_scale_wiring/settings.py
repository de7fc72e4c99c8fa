"""Configuration: one pydantic-settings object read from the environment and `.env`."""

from __future__ import annotations

import ipaddress
import os
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
from zxcvbn import zxcvbn

DEFAULT_DATABASE_URL = "sqlite:///./data/social_scale.db"
KNOWN_DEFAULT_SECRETS = frozenset(
    {"", "secret", "changeme", "change-me", "your-secret-key", "jwt-secret", "development"}
)
MAX_ACCESS_TTL = timedelta(hours=1)
MIN_FAMPAGE_KEY = 16
# zxcvbn's estimate of guesses for a JWT secret: 10^24 is about 80 bits.
MIN_SECRET_GUESSES_LOG10 = 24
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


def make_private_dir(path: Path) -> None:
    """Create the folder (and missing parents) as 0700; an existing folder is left as is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


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
    # Panel calls a minute per key, shared by every process through the database (issue 17);
    # 0 turns the budget off. An interactive call waits PANEL_BUDGET_WAIT for one at most.
    panel_calls_per_minute: int = Field(100, ge=0)
    panel_budget_wait: Duration = timedelta(seconds=10)
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
    # /metrics: scrapers send `Authorization: Bearer <it>`; public when unset (not in
    # production, which refuses to start without it).
    metrics_token: SecretStr | None = None
    # Doors (issue 12): bind address, the first admin, throttles, mail over TLS.
    host: str = "127.0.0.1"
    admin_bootstrap_token: SecretStr | None = None
    smtp_tls: Literal["starttls", "ssl", "none"] | None = None  # unset: ssl on 465, else starttls
    password_hash_concurrency: int = Field(2, ge=1, le=64)
    password_hash_wait_seconds: float = Field(2.0, ge=0, le=60)
    login_failure_limit_per_ip: int = Field(20, ge=1)  # per 15 minutes, whatever the email
    forgot_password_limit_per_ip: int = Field(10, ge=1)  # per hour
    forgot_password_limit_per_email: int = Field(5, ge=1)  # per hour
    reset_password_limit_per_ip: int = Field(10, ge=1)  # per hour
    # Operations (issue 13): background work in serve, log format, proxies, worker metrics.
    # auto: `serve` runs the background round itself on SQLite; on PostgreSQL the
    # `social-scale worker` service does. on/off force it.
    sync_in_serve: Literal["auto", "on", "off"] = "auto"
    log_format: Literal["json", "console"] = "json"
    # Peers (IPs or CIDR networks) whose X-Forwarded-For / Forwarded headers are believed.
    forwarded_allow_ips: CsvList = Field(default_factory=list)
    worker_metrics_host: str = "127.0.0.1"
    # Port of `social-scale worker`'s /health/live, /health/ready and /metrics (unset: none).
    worker_metrics_port: int | None = Field(None, ge=1, le=65535)

    @field_validator("jwt_secret", "fampage_api_key", "smtp_pass", "agency_gstin", "metrics_token",
                     "agency_state_code", "agency_address", "agency_email",
                     "invoice_font_path", "agency_phone", "agency_logo_path",
                     "agency_bank_name", "agency_bank_account_name", "agency_bank_account",
                     "agency_bank_ifsc", "agency_upi_id", "alert_balance_below",
                     "alert_balance_days", "alert_email", "admin_bootstrap_token",
                     "worker_metrics_port",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("panel_calls_per_minute")
    @classmethod
    def _budget_or_off(cls, value: int) -> int:
        if 0 < value < 3:
            raise ValueError("use 0 (no budget) or at least 3 calls a minute")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        for item in value:
            if item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(f"{item!r} is not an IP address or network "
                                     "(e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return value

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
    def smtp_tls_mode(self) -> Literal["starttls", "ssl", "none"]:
        if self.smtp_tls is not None:
            return self.smtp_tls
        return "ssl" if self.smtp_port == 465 else "starttls"

    @property
    def loopback_only(self) -> bool:
        """True when the server listens on this host only (HOST is a loopback address)."""
        return self.host in ("127.0.0.1", "::1", "localhost") or self.host.startswith("127.")

    @property
    def bootstrap_required(self) -> bool:
        """Register needs X-Bootstrap-Token: in production, whenever the token is set, and
        on any server reachable from other hosts."""
        return (self.is_production or self.admin_bootstrap_token is not None
                or not self.loopback_only)

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
        token = self.admin_bootstrap_token
        if token is not None and len(token.get_secret_value().encode()) < 32:
            raise ConfigError("ADMIN_BOOTSTRAP_TOKEN must be at least 32 bytes long")
        if not self.is_production:
            return
        self._check_production_secrets()
        if self.jwt_access_token_expiry > MAX_ACCESS_TTL:
            raise ConfigError("JWT_ACCESS_TOKEN_EXPIRY must be at most 1h in production")
        if self.password_hash_profile != "strong":  # noqa: S105
            raise ConfigError("PASSWORD_HASH_PROFILE must be 'strong' in production")
        if self.metrics_token is None:
            raise ConfigError("METRICS_TOKEN must be set in production (scrapers send it "
                              "as a bearer token to /metrics)")
        if self.smtp_host and self.smtp_tls_mode == "none":
            raise ConfigError("SMTP_TLS=none is refused in production: use starttls or ssl")

    def _check_production_secrets(self) -> None:
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if secret.strip().lower() in KNOWN_DEFAULT_SECRETS:
            raise ConfigError("JWT_SECRET must be set to a random value in production")
        if len(secret.encode()) < 32:
            raise ConfigError("JWT_SECRET must be at least 32 bytes long in production")
        if zxcvbn(secret[:72])["guesses_log10"] < MIN_SECRET_GUESSES_LOG10:
            raise ConfigError("JWT_SECRET is too easy to guess (repeated characters or "
                              "words); use a random value, e.g. `openssl rand -base64 48`")
        if self.fampage_api_key is None:
            raise ConfigError("FAMPAGE_API_KEY must be set in production")
        if len(self.fampage_api_key.get_secret_value().strip()) < MIN_FAMPAGE_KEY:
            raise ConfigError(f"FAMPAGE_API_KEY must be at least {MIN_FAMPAGE_KEY} "
                              "characters long in production")

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
        make_private_dir(path.parent)
        secret = secrets.token_urlsafe(48)
        # 0600 from creation: the secret is never readable by others, not even briefly.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secret)
        return secret, f"JWT_SECRET not set: generated one and kept it in {path}"
