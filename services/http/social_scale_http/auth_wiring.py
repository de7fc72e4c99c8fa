"""Auth collaborators built from the settings: JWT codec, mailer, lifetimes."""

from __future__ import annotations

import structlog
from social_scale_adapters.auth.mail import build_mailer
from social_scale_adapters.auth.tokens import JwtAccessTokenCodec
from social_scale_core.auth.model import AuthPolicy
from social_scale_core.auth.ports import Mailer

from social_scale_http.settings import Settings

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
        production=settings.is_production,
    )


def build_auth_policy(settings: Settings) -> AuthPolicy:
    return AuthPolicy(
        access_ttl=settings.jwt_access_token_expiry,
        refresh_ttl=settings.jwt_refresh_token_expiry,
    )
