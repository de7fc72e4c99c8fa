"""Auth entities and values: the admin user, refresh and reset tokens, access claims."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from attrs import define, frozen

from social_scale_core.rate_limit import RateRule


class Role(StrEnum):
    SUPER_ADMIN = "SUPER_ADMIN"


@define
class User:
    """The one account. `email` is stored lower-cased; `password_hash` is argon2id."""

    id: str
    email: str
    name: str
    role: Role
    password_hash: str
    created_at: datetime
    password_changed_at: datetime


@frozen
class RefreshToken:
    """One refresh token, kept only as the SHA-256 of its secret.

    Every login starts a `family`; each refresh spends the presented token (`used_at`) and
    issues its successor in the same family. A spent token seen again means it was copied,
    so the whole family is revoked.
    """

    id: str
    user_id: str
    family_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@frozen
class ResetToken:
    """A single-use password-reset token, kept only as the SHA-256 of its secret."""

    id: str
    user_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@frozen
class AccessClaims:
    """What a signed access token says: who (`sub`), when, its own id (`jti`) and the
    session it belongs to (`sid`, the refresh-token family): it dies with that family."""

    sub: str
    issued_at: datetime
    expires_at: datetime
    jti: str
    sid: str


@frozen
class SessionTokens:
    """What a login or refresh hands out."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@frozen
class Mail:
    """A plain-text message for one recipient."""

    to: str
    subject: str
    body: str


# Failed logins per (email, client ip); a success clears the count.
LOGIN_FAILURES = RateRule(limit=5, window_seconds=15 * 60)
# Failed logins per client ip, whatever the emails: one address cannot spray many accounts.
LOGIN_IP_FAILURES = RateRule(limit=20, window_seconds=15 * 60)
# Failed logins per account from all addresses together: growing waits (at most an hour),
# never a lock-out that outlives its window. A password reset clears them.
LOGIN_ACCOUNT_TIERS = (RateRule(limit=5, window_seconds=5 * 60),
                       RateRule(limit=20, window_seconds=3600))
# Attempts per client ip on the unauthenticated endpoints that write or send mail.
PER_IP_HOURLY = RateRule(limit=10, window_seconds=3600)
# Reset mails asked for one email address, from anywhere.
PER_EMAIL_HOURLY = RateRule(limit=5, window_seconds=3600)


@frozen
class AuthPolicy:
    """Lifetimes and throttles; the HTTP layer builds it from the settings."""

    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=7)
    reset_ttl: timedelta = timedelta(hours=1)
    login_failures: RateRule = LOGIN_FAILURES
    login_ip_failures: RateRule = LOGIN_IP_FAILURES
    login_account_tiers: tuple[RateRule, ...] = LOGIN_ACCOUNT_TIERS
    register_attempts: RateRule = PER_IP_HOURLY
    forgot_attempts: RateRule = PER_IP_HOURLY
    forgot_per_email: RateRule = PER_EMAIL_HOURLY
    reset_attempts: RateRule = PER_IP_HOURLY
    reset_per_account: RateRule = PER_EMAIL_HOURLY
    # Register needs this token (compared in constant time) when `bootstrap_required`.
    bootstrap_required: bool = False
    bootstrap_token: str | None = None
