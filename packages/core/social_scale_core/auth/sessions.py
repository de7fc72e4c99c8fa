"""Use cases of sessions: login, refresh, logout, and checking access tokens.

Refresh tokens rotate: each refresh spends the presented token and issues its successor in
the same family. Presenting a spent (or revoked) token again means someone copied it, so
its whole family is revoked and the caller gets InvalidToken.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from social_scale_core.auth.model import (
    AccessClaims,
    AuthPolicy,
    RefreshToken,
    SessionTokens,
    User,
)
from social_scale_core.auth.policy import new_id, new_secret, normalise_email, secret_hash
from social_scale_core.auth.ports import (
    AccessTokenCodec,
    AuthUnitOfWork,
    AuthUowFactory,
    Mailer,
    PasswordHasher,
)
from social_scale_core.clock import Clock
from social_scale_core.errors import InvalidCredentials, InvalidToken, RateLimited
from social_scale_core.rate_limit import RateRule

DEFAULT_POLICY = AuthPolicy()


@frozen
class AuthPorts:
    """Everything the auth use cases need, wired once by the application."""

    uow: AuthUowFactory
    hasher: PasswordHasher
    codec: AccessTokenCodec
    mailer: Mailer
    clock: Clock
    policy: AuthPolicy = DEFAULT_POLICY


def count_attempt(ports: AuthPorts, key: str, rule: RateRule, now: datetime) -> None:
    """Record one attempt in its own committed transaction; RateLimited once over the rule.

    The hit is an atomic upsert in the shared store, so every worker sees one count.
    """
    with ports.uow() as uow:
        hits = uow.rate_limits.hit(key, rule.window_start(now))
        uow.commit()
    if hits > rule.limit:
        raise RateLimited(rule.retry_after(now), "Too many attempts; try again later.")


def login_key(email: str, client_ip: str) -> str:
    return "login:" + secret_hash(f"{normalise_email(email)}|{client_ip}")[:40]


def verify_throttled(
    ports: AuthPorts, email: str, client_ip: str, stored_hash: str | None, password: str
) -> bool:
    """Check a password under the failed-login throttle of (email, client ip).

    Every check counts first (race-free across workers); a success lets the caller clear
    the count with `uow.rate_limits.clear(login_key(...))` in its own transaction.
    """
    count_attempt(ports, login_key(email, client_ip), ports.policy.login_failures,
                  ports.clock.now())
    return ports.hasher.verify(stored_hash, password)


def issue_session(
    ports: AuthPorts, uow: AuthUnitOfWork, user: User, family_id: str, now: datetime
) -> SessionTokens:
    """Store a new refresh token of `family_id` (caller commits) and sign an access token."""
    secret = new_secret()
    uow.refresh_tokens.add(RefreshToken(
        id=new_id(), user_id=user.id, family_id=family_id, token_hash=secret_hash(secret),
        created_at=now, expires_at=now + ports.policy.refresh_ttl,
    ))
    ttl = ports.policy.access_ttl
    claims = AccessClaims(sub=user.id, issued_at=now, expires_at=now + ttl, jti=new_id())
    return SessionTokens(ports.codec.encode(claims), secret, int(ttl.total_seconds()), user)


def login(ports: AuthPorts, email: str, password: str, client_ip: str) -> SessionTokens:
    """Tokens for the right email and password. InvalidCredentials otherwise (the same for
    an unknown email, after the same hashing work); RateLimited after too many failures."""
    email = normalise_email(email)
    with ports.uow() as uow:
        user = uow.users.by_email(email)
    ok = verify_throttled(ports, email, client_ip, user.password_hash if user else None,
                          password)
    if user is None or not ok:
        raise InvalidCredentials("Wrong email or password.")
    rehashed = None
    if ports.hasher.needs_rehash(user.password_hash):
        rehashed = ports.hasher.hash(password)
    now = ports.clock.now()
    with ports.uow() as uow:
        uow.rate_limits.clear(login_key(email, client_ip))
        if rehashed is not None:
            uow.users.set_password(user.id, rehashed, user.password_changed_at)
        tokens = issue_session(ports, uow, user, new_id(), now)
        uow.commit()
    return tokens


def refresh(ports: AuthPorts, refresh_token: str) -> SessionTokens:
    """Spend a live refresh token for a new pair. InvalidToken for an unknown or expired
    token; for a spent or revoked one too, after revoking its whole family."""
    now = ports.clock.now()
    with ports.uow() as uow:
        stored = uow.refresh_tokens.by_hash(secret_hash(refresh_token))
        if stored is None or now >= stored.expires_at:
            raise InvalidToken("Invalid or expired refresh token.")
        user = uow.users.get(stored.user_id)
        # A concurrent refresh may have spent it between our read and `spend`: that is a
        # second use of one token as well, so both paths end the family.
        if user is None or not stored.is_live(now) or not uow.refresh_tokens.spend(
                stored.id, now):
            uow.refresh_tokens.revoke_family(stored.family_id, now)
            uow.commit()
            raise InvalidToken("Refresh token already used; the session has been revoked.")
        tokens = issue_session(ports, uow, user, stored.family_id, now)
        uow.commit()
    return tokens


def logout(ports: AuthPorts, user: User, refresh_token: str) -> None:
    """End the session (token family) of `refresh_token` if it is the user's; else no-op."""
    now = ports.clock.now()
    with ports.uow() as uow:
        stored = uow.refresh_tokens.by_hash(secret_hash(refresh_token))
        if stored is not None and stored.user_id == user.id:
            uow.refresh_tokens.revoke_family(stored.family_id, now)
            uow.commit()


def authenticate(ports: AuthPorts, access_token: str) -> User:
    """The user an access token speaks for; InvalidToken if it is not valid or the user
    no longer exists."""
    claims = ports.codec.decode(access_token, ports.clock.now())
    with ports.uow() as uow:
        user = uow.users.get(claims.sub)
    if user is None:
        raise InvalidToken("Invalid or expired access token.")
    return user

