"""Ports of the auth area: repositories, password hashing, access tokens and mail.

Errors: `UserRepository.add` raises AdminExists; `AccessTokenCodec.decode` raises
InvalidToken; `Mailer.send` raises MailNotSent. Nothing else is raised on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from social_scale_core.auth.model import AccessClaims, Mail, RefreshToken, ResetToken, User
from social_scale_core.ports.rate_limits import RateLimitStore
from social_scale_core.ports.uow import UnitOfWork


class UserRepository(Protocol):
    """The admin account(s); at most one SUPER_ADMIN can ever be stored."""

    def add(self, user: User) -> None:
        """Insert `user`. Raises AdminExists if a SUPER_ADMIN (or that email) is already
        stored — enforced by the storage itself, so that of many concurrent inserts in
        separate units of work exactly one can commit."""
        ...

    def get(self, user_id: str) -> User | None: ...

    def session_user(self, user_id: str, family_id: str) -> User | None:
        """The user, if the refresh family `family_id` is live for them (as
        `RefreshTokenRepository.family_live`); else None. One read: it runs on every
        authenticated request."""
        ...

    def by_email(self, email: str) -> User | None:
        """Look up by the normalised (lower-case) email."""
        ...

    def any_exists(self) -> bool: ...

    def set_password(self, user_id: str, password_hash: str, at: datetime) -> None:
        """Replace the hash and set `password_changed_at`."""
        ...


class RefreshTokenRepository(Protocol):
    """Refresh tokens by the hash of their secret; updates are conditional, never blind."""

    def add(self, token: RefreshToken) -> None: ...

    def by_hash(self, token_hash: str) -> RefreshToken | None: ...

    def spend(self, token_id: str, at: datetime) -> bool:
        """Mark the token used if it is neither used nor revoked, in one conditional
        UPDATE; True only for the one caller that did it (two concurrent spends of one
        token: exactly one gets True)."""
        ...

    def revoke_family(self, family_id: str, at: datetime) -> int:
        """Revoke every not yet revoked token of the family; return how many."""
        ...

    def revoke_all_for_user(self, user_id: str, at: datetime,
                            keep_family: str | None = None) -> int:
        """Revoke every not yet revoked token of the user, except those of `keep_family`
        when given; return how many."""
        ...

    def family_live(self, family_id: str, user_id: str) -> bool:
        """True if the family has tokens, all of `user_id`, and none of them is revoked
        (revocation is sticky: one revoked token ends the family). Expiry and spending do
        not matter here: an access token has its own, shorter life."""
        ...

    def purge_expired(self, before: datetime) -> int:
        """Delete every family whose tokens all expired before `before` (nothing of it can
        be used again: a console session and a refresh both need an unexpired token, and an
        access token dies before its refresh token); return how many tokens went."""
        ...


class ResetTokenRepository(Protocol):
    """Password-reset tokens by the hash of their secret."""

    def add(self, token: ResetToken) -> None: ...

    def by_hash(self, token_hash: str) -> ResetToken | None: ...

    def consume(self, token_id: str, at: datetime) -> bool:
        """Mark the token used if it is unused and not expired at `at`, in one conditional
        UPDATE; True only for the one caller that did it."""
        ...

    def invalidate_all_for_user(self, user_id: str, at: datetime) -> int:
        """Mark every unused token of the user as used; return how many."""
        ...

    def purge_expired(self, before: datetime) -> int:
        """Delete the tokens that expired before `before`; return how many."""
        ...


class PasswordHasher(Protocol):
    """Slow, salted password hashing (argon2id). Call it outside database transactions."""

    def hash(self, password: str) -> str: ...

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True if `password` matches. With `stored_hash=None` it does the same amount of
        work and returns False, so that unknown accounts take as long as known ones."""
        ...

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash was made with weaker parameters than the current ones."""
        ...


class AccessTokenCodec(Protocol):
    """Signs and checks short-lived access tokens (HS256 JWTs in the adapter)."""

    def encode(self, claims: AccessClaims) -> str: ...

    def decode(self, token: str, now: datetime) -> AccessClaims:
        """The claims of a genuine, unexpired access token. Raises InvalidToken for
        anything else: bad signature or algorithm (incl. `none`), malformed, expired at
        `now`, missing claims, or a token that is not of type access."""
        ...


TaskRunner = Callable[[Callable[[], None]], None]
"""Runs a task later, off the request (a thread pool in the app, inline in tests). The task
must handle and log its own errors: nobody waits for it."""


class Mailer(Protocol):
    """Delivers mail. May be slow; adapters may deliver in the background."""

    def send(self, mail: Mail) -> None:
        """Deliver (or queue for delivery) or raise MailNotSent. Implementations log their
        failures themselves, never with the body: it carries secrets such as reset tokens."""
        ...


class AuthUnitOfWork(UnitOfWork, Protocol):
    """The repositories auth use cases work with inside one transaction."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...

    @property
    def reset_tokens(self) -> ResetTokenRepository: ...

    @property
    def rate_limits(self) -> RateLimitStore: ...


AuthUowFactory = Callable[[], AuthUnitOfWork]
