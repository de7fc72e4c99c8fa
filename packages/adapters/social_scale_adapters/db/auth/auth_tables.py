"""Auth tables (users, refresh tokens, reset tokens) and their SQL repositories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from social_scale_core.auth.model import RefreshToken, ResetToken, Role, User
from social_scale_core.errors import AdminExists
from sqlalchemy import (
    BindParameter,
    Column,
    ForeignKey,
    Row,
    Select,
    String,
    Table,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import UTCDateTime

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    # Unique: with SUPER_ADMIN the only role, the database itself allows one admin.
    Column("role", String(32), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("password_changed_at", UTCDateTime(), nullable=False),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("family_id", String(36), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

password_reset_tokens = Table(
    "password_reset_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
)


def _user(row: Row[Any]) -> User:
    return User(
        id=row.id, email=row.email, name=row.name, role=Role(row.role),
        password_hash=row.password_hash, created_at=row.created_at,
        password_changed_at=row.password_changed_at,
    )


def _session_user() -> Select[Any]:
    """One indexed read per authenticated request: the user, if the family has tokens, none
    revoked and none someone else's. Built once with bound parameters: SQLAlchemy then
    keeps its cache key, instead of building both anew on every request."""
    t = refresh_tokens.c
    user_id: BindParameter[str] = bindparam("user_id")
    family = select(t.id).where(t.family_id == bindparam("family_id"))
    ended = family.where((t.revoked_at.is_not(None)) | (t.user_id != user_id))
    return select(users).where(users.c.id == user_id, family.exists(), ~ended.exists())


_SESSION_USER = _session_user()


class SqlUserRepository:
    """UserRepository on one Session; the unique `role` column allows a single admin."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        try:
            self._session.execute(insert(users).values(
                id=user.id, email=user.email, name=user.name, role=user.role.value,
                password_hash=user.password_hash, created_at=user.created_at,
                password_changed_at=user.password_changed_at,
            ))
        except IntegrityError as exc:
            raise AdminExists("The administrator account already exists.") from exc

    def get(self, user_id: str) -> User | None:
        row = self._session.execute(select(users).where(users.c.id == user_id)).first()
        return _user(row) if row is not None else None

    def session_user(self, user_id: str, family_id: str) -> User | None:
        row = self._session.execute(
            _SESSION_USER, {"user_id": user_id, "family_id": family_id}).first()
        return _user(row) if row is not None else None

    def by_email(self, email: str) -> User | None:
        row = self._session.execute(select(users).where(users.c.email == email)).first()
        return _user(row) if row is not None else None

    def any_exists(self) -> bool:
        return bool(self._session.execute(select(exists().select_from(users))).scalar())

    def set_password(self, user_id: str, password_hash: str, at: datetime) -> None:
        self._session.execute(update(users).where(users.c.id == user_id).values(
            password_hash=password_hash, password_changed_at=at))


def _refresh(row: Row[Any]) -> RefreshToken:
    return RefreshToken(
        id=row.id, user_id=row.user_id, family_id=row.family_id, token_hash=row.token_hash,
        created_at=row.created_at, expires_at=row.expires_at, used_at=row.used_at,
        revoked_at=row.revoked_at,
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


class SqlRefreshTokenRepository:
    """RefreshTokenRepository on one Session; spending is one conditional UPDATE."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: RefreshToken) -> None:
        self._session.execute(insert(refresh_tokens).values(
            id=token.id, user_id=token.user_id, family_id=token.family_id,
            token_hash=token.token_hash, created_at=token.created_at,
            expires_at=token.expires_at, used_at=token.used_at, revoked_at=token.revoked_at,
        ))

    def by_hash(self, token_hash: str) -> RefreshToken | None:
        row = self._session.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)).first()
        return _refresh(row) if row is not None else None

    def spend(self, token_id: str, at: datetime) -> bool:
        # Under READ COMMITTED a concurrent spender waits for our row lock, then re-checks
        # the WHERE clause and updates nothing: exactly one caller sees rowcount 1.
        c = refresh_tokens.c
        result = self._session.execute(update(refresh_tokens).where(
            c.id == token_id, c.used_at.is_(None), c.revoked_at.is_(None)).values(used_at=at))
        return _rowcount(result) == 1

    def revoke_family(self, family_id: str, at: datetime) -> int:
        c = refresh_tokens.c
        return _rowcount(self._session.execute(update(refresh_tokens).where(
            c.family_id == family_id, c.revoked_at.is_(None)).values(revoked_at=at)))

    def revoke_all_for_user(self, user_id: str, at: datetime,
                            keep_family: str | None = None) -> int:
        c = refresh_tokens.c
        where = [c.user_id == user_id, c.revoked_at.is_(None)]
        if keep_family is not None:
            where.append(c.family_id != keep_family)
        return _rowcount(self._session.execute(
            update(refresh_tokens).where(*where).values(revoked_at=at)))

    def family_live(self, family_id: str, user_id: str) -> bool:
        # One indexed read per authenticated request: tokens of the family, how many are
        # revoked, how many belong to someone else.
        c = refresh_tokens.c
        total, revoked, foreign = self._session.execute(select(
            func.count(), func.count(c.revoked_at),
            func.count(case((c.user_id != user_id, 1))),
        ).where(c.family_id == family_id)).one()
        return bool(total) and not revoked and not foreign

    def purge_expired(self, before: datetime) -> int:
        c = refresh_tokens.c
        dead = select(c.family_id).group_by(c.family_id).having(func.max(c.expires_at) < before)
        return _rowcount(self._session.execute(
            delete(refresh_tokens).where(c.family_id.in_(dead))))


def _reset(row: Row[Any]) -> ResetToken:
    return ResetToken(
        id=row.id, user_id=row.user_id, token_hash=row.token_hash, created_at=row.created_at,
        expires_at=row.expires_at, used_at=row.used_at,
    )


class SqlResetTokenRepository:
    """ResetTokenRepository on one Session; consuming is one conditional UPDATE."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, token: ResetToken) -> None:
        self._session.execute(insert(password_reset_tokens).values(
            id=token.id, user_id=token.user_id, token_hash=token.token_hash,
            created_at=token.created_at, expires_at=token.expires_at, used_at=token.used_at,
        ))

    def by_hash(self, token_hash: str) -> ResetToken | None:
        t = password_reset_tokens
        row = self._session.execute(select(t).where(t.c.token_hash == token_hash)).first()
        return _reset(row) if row is not None else None

    def consume(self, token_id: str, at: datetime) -> bool:
        c = password_reset_tokens.c
        result = self._session.execute(update(password_reset_tokens).where(
            c.id == token_id, c.used_at.is_(None), c.expires_at > at).values(used_at=at))
        return _rowcount(result) == 1

    def invalidate_all_for_user(self, user_id: str, at: datetime) -> int:
        c = password_reset_tokens.c
        return _rowcount(self._session.execute(update(password_reset_tokens).where(
            c.user_id == user_id, c.used_at.is_(None)).values(used_at=at)))

    def purge_expired(self, before: datetime) -> int:
        c = password_reset_tokens.c
        return _rowcount(self._session.execute(
            delete(password_reset_tokens).where(c.expires_at < before)))
