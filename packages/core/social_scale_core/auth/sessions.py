"""Use cases of sessions: login, refresh, logout, and checking access tokens.

Refresh tokens rotate: each refresh spends the presented token and issues its successor in
the same family. Presenting a spent (or revoked) token again means someone copied it, so
its whole family is revoked and the caller gets InvalidToken.

A family is one session. Access tokens carry its id (`sid`) and are checked against it on
every request (`check_access`), so logout, reuse detection and password changes end the
session's access tokens at once, on every worker. Revocation is sticky: once any token of
a family is revoked, the family is dead, even if a racing refresh added a successor.
"""

from __future__ import annotations

from collections.abc import Callable
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
    TaskRunner,
)
from social_scale_core.clock import Clock
from social_scale_core.errors import InvalidCredentials, InvalidToken, RateLimited
from social_scale_core.ports.uow import read_retrying
from social_scale_core.rate_limit import RateRule

DEFAULT_POLICY = AuthPolicy()


def run_inline(task: Callable[[], None]) -> None:
    """The TaskRunner of tests and tools: runs the task at once, in the caller's thread."""
    task()


@frozen
class AuthPorts:
    """Everything the auth use cases need, wired once by the application."""

    uow: AuthUowFactory
    hasher: PasswordHasher
    codec: AccessTokenCodec
    mailer: Mailer
    clock: Clock
    policy: AuthPolicy = DEFAULT_POLICY
    background: TaskRunner = run_inline
    # Units for work that writes nothing (the per-request session check); None: `uow`.
    reads: AuthUowFactory | None = None


@frozen
class Authenticated:
    """Who a live access token speaks for, and the session (refresh family) it is part of."""

    user: User
    session_id: str


def count_attempt(ports: AuthPorts, key: str, rule: RateRule, now: datetime) -> None:
    """Record one attempt in its own committed transaction; RateLimited once over the rule.

    The hit is an atomic upsert in the shared store, so every worker sees one count.
    """
    with ports.uow() as uow:
        hits = uow.rate_limits.hit(key, rule.window_start(now))
        uow.commit()
    if hits > rule.limit:
        raise RateLimited(rule.retry_after(now), "Too many attempts; try again later.")


def hashed_key(kind: str, *parts: str) -> str:
    """A rate-limit key that does not store emails or addresses in clear."""
    return f"{kind}:" + secret_hash("|".join(parts))[:40]


def login_key(email: str, client_ip: str) -> str:
    return hashed_key("login", normalise_email(email), client_ip)


def _login_rules(ports: AuthPorts, email: str, client_ip: str) -> list[tuple[str, RateRule]]:
    """Every throttle a login attempt counts against: (email, ip), the ip alone, and the
    account's tiers of growing windows."""
    policy, email = ports.policy, normalise_email(email)
    rules = [(login_key(email, client_ip), policy.login_failures),
             (hashed_key("login-ip", client_ip), policy.login_ip_failures)]
    rules += [(hashed_key(f"login-account-{rule.window_seconds}", email), rule)
              for rule in policy.login_account_tiers]
    return rules


def _refuse_over(rules: list[tuple[int, RateRule]], now: datetime) -> None:
    waits = [rule.retry_after(now) for hits, rule in rules if hits > rule.limit]
    if waits:
        raise RateLimited(max(waits), "Too many failed attempts; try again later.")


def verify_throttled(
    ports: AuthPorts, email: str, client_ip: str, stored_hash: str | None, password: str
) -> bool:
    """Check a password under the login throttles (per email and ip, per ip, per account).

    An attempt already over a limit is refused without counting or hashing; otherwise it
    counts first (race-free across workers), then hashes. A success lets the caller clear
    the counts with `clear_login_failures` in its own transaction.
    """
    now = ports.clock.now()
    rules = _login_rules(ports, email, client_ip)
    with ports.uow() as uow:
        store = uow.rate_limits
        _refuse_over([(store.count(k, r.window_start(now)) + 1, r) for k, r in rules], now)
        counted = [(store.hit(k, r.window_start(now)), r) for k, r in rules]
        uow.commit()
    _refuse_over(counted, now)
    return ports.hasher.verify(stored_hash, password)


def clear_login_failures(ports: AuthPorts, uow: AuthUnitOfWork, email: str,
                         client_ip: str | None) -> None:
    """Forget the failed logins of the account (and of this ip, when given); caller commits."""
    for key, _rule in _login_rules(ports, email, client_ip or ""):
        if client_ip is not None or key.startswith("login-account-"):
            uow.rate_limits.clear(key)


def issue_session(
    ports: AuthPorts, uow: AuthUnitOfWork, user: User, family_id: str, now: datetime
) -> SessionTokens:
    """Store a new refresh token of `family_id` (caller commits) and sign an access token
    bound to that family."""
    secret = new_secret()
    uow.refresh_tokens.add(RefreshToken(
        id=new_id(), user_id=user.id, family_id=family_id, token_hash=secret_hash(secret),
        created_at=now, expires_at=now + ports.policy.refresh_ttl,
    ))
    ttl = ports.policy.access_ttl
    claims = AccessClaims(sub=user.id, issued_at=now, expires_at=now + ttl, jti=new_id(),
                          sid=family_id)
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
        clear_login_failures(ports, uow, email, client_ip)
        if rehashed is not None:
            uow.users.set_password(user.id, rehashed, user.password_changed_at)
        tokens = issue_session(ports, uow, user, new_id(), now)
        uow.commit()
    return tokens


def refresh(ports: AuthPorts, refresh_token: str) -> SessionTokens:
    """Spend a live refresh token for a new pair. InvalidToken for an unknown or expired
    token; for a spent or revoked one too (or one of a revoked family), after revoking its
    whole family."""
    now = ports.clock.now()
    with ports.uow() as uow:
        stored = uow.refresh_tokens.by_hash(secret_hash(refresh_token))
        if stored is None or now >= stored.expires_at:
            raise InvalidToken("Invalid or expired refresh token.")
        user = uow.users.get(stored.user_id)
        # A concurrent refresh may have spent it between our read and `spend`: that is a
        # second use of one token as well, so both paths end the family.
        if user is None or not stored.is_live(now) or not uow.refresh_tokens.spend(
                stored.id, now) or not uow.refresh_tokens.family_live(
                stored.family_id, user.id):
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


def check_access(ports: AuthPorts, user_id: str, session_id: str) -> User:
    """The user of a live session: the user exists and the refresh family `session_id` is
    theirs and not revoked. InvalidToken otherwise. Read from the shared storage on every
    call (no cache), so a revocation holds at once on every worker and instance; any
    session-bound credential (access token, console cookie) should pass through here."""
    user: User | None = read_retrying(ports.reads or ports.uow,
                                      lambda uow: uow.users.session_user(user_id, session_id))
    if user is None:
        raise InvalidToken("Invalid or expired access token.")
    return user


def authenticate(ports: AuthPorts, access_token: str) -> Authenticated:
    """Who an access token speaks for; InvalidToken if it is not valid, its session has
    ended, or the user no longer exists."""
    claims = ports.codec.decode(access_token, ports.clock.now())
    return Authenticated(check_access(ports, claims.sub, claims.sid), claims.sid)
