"""Auth collaborators built from the settings: JWT codec, mailer, hasher, lifetimes and
throttles."""

from __future__ import annotations

import structlog
from social_scale_adapters.auth.hasher import Argon2Hasher, BoundedHasher
from social_scale_adapters.auth.mail import build_mailer
from social_scale_adapters.auth.tokens import JwtAccessTokenCodec
from social_scale_core.auth.model import AuthPolicy
from social_scale_core.auth.ports import Mailer
from social_scale_core.rate_limit import RateRule

from social_scale_wiring.settings import Settings

log = structlog.get_logger("social_scale.auth")


def build_token_codec(settings: Settings) -> JwtAccessTokenCodec:
    secret, warning = settings.resolved_jwt_secret()
    if warning:
        log.warning("jwt_secret", message=warning)
    return JwtAccessTokenCodec(secret)


def build_auth_mailer(settings: Settings) -> Mailer:
    return build_mailer(
        host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from,
        user=settings.smtp_user,
        password=settings.smtp_pass.get_secret_value() if settings.smtp_pass else None,
        production=settings.is_production, tls=settings.smtp_tls_mode,
    )


def build_password_hasher(settings: Settings) -> BoundedHasher:
    return BoundedHasher(Argon2Hasher(settings.password_hash_profile),
                         settings.password_hash_concurrency,
                         settings.password_hash_wait_seconds)


def build_auth_policy(settings: Settings) -> AuthPolicy:
    token = settings.admin_bootstrap_token
    return AuthPolicy(
        access_ttl=settings.jwt_access_token_expiry,
        refresh_ttl=settings.jwt_refresh_token_expiry,
        login_ip_failures=RateRule(settings.login_failure_limit_per_ip, 15 * 60),
        forgot_attempts=RateRule(settings.forgot_password_limit_per_ip, 3600),
        forgot_per_email=RateRule(settings.forgot_password_limit_per_email, 3600),
        reset_attempts=RateRule(settings.reset_password_limit_per_ip, 3600),
        bootstrap_required=settings.bootstrap_required,
        bootstrap_token=token.get_secret_value() if token else None,
    )
