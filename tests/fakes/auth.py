"""In-memory fakes of the auth ports, for unit tests of the auth use cases.

    auth = FakeAuth()                          # frozen clock at 2026-01-01 UTC
    accounts.register(auth.ports, "a@x.io", "long enough pw", "A", "1.2.3.4")
    auth.clock.advance(minutes=20)             # move time for expiries and throttles
    auth.mailer.sent[-1].body                  # what would have been mailed
    auth.store.state.refresh_tokens            # inspect what was committed

`InMemoryAuthStore` is the "database": each unit of work edits a deep copy of its state and
`commit()` swaps the copy in, so leaving a block without commit discards the work, like the
SQL unit of work. It enforces the same rules as the tables (one SUPER_ADMIN, unique email,
conditional spend/consume). Commits replace the whole state, so it is not meant for
concurrency tests: those run against the real databases.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from attrs import define, evolve, field
from social_scale_core.auth.model import (
    AccessClaims,
    AuthPolicy,
    Mail,
    RefreshToken,
    ResetToken,
    User,
)
from social_scale_core.auth.sessions import AuthPorts
from social_scale_core.clock import FrozenClock
from social_scale_core.errors import AdminExists, InvalidToken, MailNotSent

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@define
class AuthState:
    users: dict[str, User] = field(factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(factory=dict)
    reset_tokens: dict[str, ResetToken] = field(factory=dict)
    hits: dict[tuple[str, datetime], int] = field(factory=dict)


class InMemoryUserRepository:
    def __init__(self, state: AuthState) -> None:
        self._s = state

    def add(self, user: User) -> None:
        for other in self._s.users.values():
            if other.role == user.role or other.email == user.email:
                raise AdminExists("The administrator account already exists.")
        self._s.users[user.id] = copy.copy(user)

    def get(self, user_id: str) -> User | None:
        user = self._s.users.get(user_id)
        return copy.copy(user) if user else None

    def session_user(self, user_id: str, family_id: str) -> User | None:
        family = [t for t in self._s.refresh_tokens.values() if t.family_id == family_id]
        live = bool(family) and all(t.revoked_at is None and t.user_id == user_id
                                    for t in family)
        return self.get(user_id) if live else None

    def by_email(self, email: str) -> User | None:
        return next((copy.copy(u) for u in self._s.users.values() if u.email == email), None)

    def any_exists(self) -> bool:
        return bool(self._s.users)

    def set_password(self, user_id: str, password_hash: str, at: datetime) -> None:
        user = self._s.users[user_id]
        user.password_hash, user.password_changed_at = password_hash, at


class InMemoryRefreshTokenRepository:
    def __init__(self, state: AuthState) -> None:
        self._tokens = state.refresh_tokens

    def add(self, token: RefreshToken) -> None:
        assert all(t.token_hash != token.token_hash for t in self._tokens.values())
        self._tokens[token.id] = token

    def by_hash(self, token_hash: str) -> RefreshToken | None:
        return next((t for t in self._tokens.values() if t.token_hash == token_hash), None)

    def spend(self, token_id: str, at: datetime) -> bool:
        token = self._tokens.get(token_id)
        if token is None or token.used_at is not None or token.revoked_at is not None:
            return False
        self._tokens[token_id] = evolve(token, used_at=at)
        return True

    def _revoke(self, match: str, value: str, at: datetime) -> int:
        hits = [t for t in self._tokens.values()
                if getattr(t, match) == value and t.revoked_at is None]
        for token in hits:
            self._tokens[token.id] = evolve(token, revoked_at=at)
        return len(hits)

    def revoke_family(self, family_id: str, at: datetime) -> int:
        return self._revoke("family_id", family_id, at)

    def revoke_all_for_user(self, user_id: str, at: datetime,
                            keep_family: str | None = None) -> int:
        hits = [t for t in self._tokens.values() if t.user_id == user_id
                and t.revoked_at is None and t.family_id != keep_family]
        for token in hits:
            self._tokens[token.id] = evolve(token, revoked_at=at)
        return len(hits)

    def family_live(self, family_id: str, user_id: str) -> bool:
        family = [t for t in self._tokens.values() if t.family_id == family_id]
        return bool(family) and all(t.revoked_at is None and t.user_id == user_id
                                    for t in family)

    def purge_expired(self, before: datetime) -> int:
        last: dict[str, datetime] = {}
        for t in self._tokens.values():
            last[t.family_id] = max(last.get(t.family_id, t.expires_at), t.expires_at)
        dead = [t.id for t in self._tokens.values() if last[t.family_id] < before]
        for token_id in dead:
            del self._tokens[token_id]
        return len(dead)


class InMemoryResetTokenRepository:
    def __init__(self, state: AuthState) -> None:
        self._tokens = state.reset_tokens

    def add(self, token: ResetToken) -> None:
        self._tokens[token.id] = token

    def by_hash(self, token_hash: str) -> ResetToken | None:
        return next((t for t in self._tokens.values() if t.token_hash == token_hash), None)

    def consume(self, token_id: str, at: datetime) -> bool:
        token = self._tokens.get(token_id)
        if token is None or not token.is_live(at):
            return False
        self._tokens[token_id] = evolve(token, used_at=at)
        return True

    def invalidate_all_for_user(self, user_id: str, at: datetime) -> int:
        live = [t for t in self._tokens.values() if t.user_id == user_id and t.used_at is None]
        for token in live:
            self._tokens[token.id] = evolve(token, used_at=at)
        return len(live)

    def purge_expired(self, before: datetime) -> int:
        dead = [t.id for t in self._tokens.values() if t.expires_at < before]
        for token_id in dead:
            del self._tokens[token_id]
        return len(dead)


class InMemoryRateLimitStore:
    def __init__(self, state: AuthState) -> None:
        self._hits = state.hits

    def hit(self, key: str, window_start: datetime) -> int:
        self._hits[key, window_start] = self._hits.get((key, window_start), 0) + 1
        return self._hits[key, window_start]

    def count(self, key: str, window_start: datetime) -> int:
        return self._hits.get((key, window_start), 0)

    def clear(self, key: str) -> None:
        for bucket in [b for b in self._hits if b[0] == key]:
            del self._hits[bucket]

    def purge(self, before: datetime) -> int:
        old = [b for b in self._hits if b[1] < before]
        for bucket in old:
            del self._hits[bucket]
        return len(old)


class InMemoryAuthStore:
    """The committed state, and a factory of units of work over copies of it."""

    def __init__(self) -> None:
        self.state = AuthState()
        self.commits = 0

    def uow(self) -> FakeAuthUnitOfWork:
        return FakeAuthUnitOfWork(self)


class FakeAuthUnitOfWork:
    """AuthUnitOfWork over a private copy of the store's state; commit swaps it in."""

    def __init__(self, store: InMemoryAuthStore) -> None:
        self._store = store

    def __enter__(self) -> Self:
        self._work = copy.deepcopy(self._store.state)
        self.users = InMemoryUserRepository(self._work)
        self.refresh_tokens = InMemoryRefreshTokenRepository(self._work)
        self.reset_tokens = InMemoryResetTokenRepository(self._work)
        self.rate_limits = InMemoryRateLimitStore(self._work)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        del self._work

    def commit(self) -> None:
        self._store.state = copy.deepcopy(self._work)
        self._store.commits += 1

    def rollback(self) -> None:
        self.__enter__()


class FakePasswordHasher:
    """Fast, unsalted stand-in for argon2: `fake<version>$<sha256>`; counts every verify
    (also the dummy ones for unknown accounts). Raise `version` to make hashes stale."""

    def __init__(self) -> None:
        self.version = 1
        self.verifications = 0

    def hash(self, password: str) -> str:
        return f"fake{self.version}${hashlib.sha256(password.encode()).hexdigest()}"

    def verify(self, stored_hash: str | None, password: str) -> bool:
        self.verifications += 1
        if stored_hash is None:
            return False
        return stored_hash.split("$", 1)[1] == hashlib.sha256(password.encode()).hexdigest()

    def needs_rehash(self, stored_hash: str) -> bool:
        return not stored_hash.startswith(f"fake{self.version}$")


class FakeTokenCodec:
    """AccessTokenCodec that remembers what it issued: tokens are `access-<n>`, and only
    those decode (until their expiry at the given `now`)."""

    def __init__(self) -> None:
        self.issued: dict[str, AccessClaims] = {}
        self._numbers = itertools.count(1)

    def encode(self, claims: AccessClaims) -> str:
        token = f"access-{next(self._numbers)}"
        self.issued[token] = claims
        return token

    def decode(self, token: str, now: datetime) -> AccessClaims:
        claims = self.issued.get(token)
        if claims is None or now >= claims.expires_at:
            raise InvalidToken("Invalid or expired access token.")
        return claims


class RecordingMailer:
    """Keeps every mail in `sent`; set `failure` to make `send` raise it instead."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []
        self.failure: MailNotSent | None = None

    def send(self, mail: Mail) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent.append(mail)


@define
class FakeAuth:
    """All auth fakes wired together; `ports` is what the use cases take."""

    store: InMemoryAuthStore = field(factory=InMemoryAuthStore)
    hasher: FakePasswordHasher = field(factory=FakePasswordHasher)
    codec: FakeTokenCodec = field(factory=FakeTokenCodec)
    mailer: RecordingMailer = field(factory=RecordingMailer)
    clock: FrozenClock = field(factory=lambda: FrozenClock(START))
    policy: AuthPolicy = field(factory=AuthPolicy)

    @property
    def ports(self) -> AuthPorts:
        return AuthPorts(uow=self.store.uow, hasher=self.hasher, codec=self.codec,
                         mailer=self.mailer, clock=self.clock, policy=self.policy)
