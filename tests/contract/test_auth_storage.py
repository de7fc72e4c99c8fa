"""The auth repositories keep one contract: in memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from social_scale_adapters.db.engine import make_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.auth.model import RefreshToken, ResetToken, Role, User
from social_scale_core.errors import AdminExists

from tests.conftest import _truncate_all
from tests.fakes.auth import InMemoryAuthStore

T0 = datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
Factory = Callable[[], Any]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def auth_uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    """A unit-of-work factory over an empty store of each kind."""
    if request.param == "memory":
        yield InMemoryAuthStore().uow
        return
    if request.param == "sqlite":
        path = tmp_path / "auth.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions)
    if request.param == "postgresql":
        _truncate_all(engine)
    engine.dispose()


def admin(**changes: Any) -> User:
    values: dict[str, Any] = {
        "id": "11111111-1111-1111-1111-111111111111", "email": "boss@agency.in",
        "name": "Boss", "role": Role.SUPER_ADMIN, "password_hash": "$argon2id$h",
        "created_at": T0, "password_changed_at": T0,
    }
    values.update(changes)
    return User(**values)


def refresh(n: int, family: str = "fam-1", **changes: Any) -> RefreshToken:
    values: dict[str, Any] = {
        "id": f"00000000-0000-0000-0000-{n:012d}", "user_id": admin().id,
        "family_id": family, "token_hash": f"{n:064x}", "created_at": T0,
        "expires_at": T0 + timedelta(days=7),
    }
    values.update(changes)
    return RefreshToken(**values)


def reset(n: int, **changes: Any) -> ResetToken:
    values: dict[str, Any] = {
        "id": f"00000000-0000-0000-0000-{n:012d}", "user_id": admin().id,
        "token_hash": f"{n:064x}", "created_at": T0, "expires_at": T0 + timedelta(hours=1),
    }
    values.update(changes)
    return ResetToken(**values)


def stored(auth_uow: Factory, *items: Any) -> None:
    with auth_uow() as uow:
        for item in items:
            repo = {User: uow.users, RefreshToken: uow.refresh_tokens,
                    ResetToken: uow.reset_tokens}[type(item)]
            repo.add(item)
        uow.commit()


def test_users_round_trip_and_are_found_by_email(auth_uow: Factory) -> None:
    with auth_uow() as uow:
        assert uow.users.any_exists() is False
    stored(auth_uow, admin())
    with auth_uow() as uow:
        assert uow.users.get(admin().id) == admin()
        assert uow.users.by_email("boss@agency.in") == admin()
        assert uow.users.by_email("other@agency.in") is None and uow.users.get("x") is None
        assert uow.users.any_exists() is True


def test_a_second_admin_is_refused_by_the_store(auth_uow: Factory) -> None:
    stored(auth_uow, admin())
    with pytest.raises(AdminExists), auth_uow() as uow:
        uow.users.add(admin(id="22222222-2222-2222-2222-222222222222", email="b@x.io"))
    with auth_uow() as uow:
        assert uow.users.by_email("b@x.io") is None


def test_nothing_is_kept_without_commit(auth_uow: Factory) -> None:
    with auth_uow() as uow:
        uow.users.add(admin())
    with auth_uow() as uow:
        assert uow.users.any_exists() is False


def test_set_password(auth_uow: Factory) -> None:
    stored(auth_uow, admin())
    later = T0 + timedelta(minutes=5)
    with auth_uow() as uow:
        uow.users.set_password(admin().id, "$argon2id$new", later)
        uow.commit()
    with auth_uow() as uow:
        user = uow.users.get(admin().id)
    assert user is not None
    assert (user.password_hash, user.password_changed_at) == ("$argon2id$new", later)


def test_a_refresh_token_is_spent_exactly_once(auth_uow: Factory) -> None:
    stored(auth_uow, admin(), refresh(1))
    at = T0 + timedelta(minutes=1)
    with auth_uow() as uow:
        assert uow.refresh_tokens.by_hash(refresh(1).token_hash) == refresh(1)
        assert uow.refresh_tokens.spend(refresh(1).id, at) is True
        assert uow.refresh_tokens.spend(refresh(1).id, at) is False
        uow.commit()
    with auth_uow() as uow:
        assert uow.refresh_tokens.spend(refresh(1).id, at) is False
        assert uow.refresh_tokens.by_hash(refresh(1).token_hash) == refresh(1, used_at=at)
        assert uow.refresh_tokens.by_hash("f" * 64) is None


def test_revoking_a_family_leaves_other_families(auth_uow: Factory) -> None:
    stored(auth_uow, admin(), refresh(1), refresh(2), refresh(3, family="fam-2"))
    at = T0 + timedelta(minutes=2)
    with auth_uow() as uow:
        assert uow.refresh_tokens.revoke_family("fam-1", at) == 2
        assert uow.refresh_tokens.revoke_family("fam-1", at) == 0
        assert uow.refresh_tokens.spend(refresh(2).id, at) is False  # revoked: not spendable
        uow.commit()
    with auth_uow() as uow:
        assert uow.refresh_tokens.by_hash(refresh(1).token_hash) == refresh(1, revoked_at=at)
        assert uow.refresh_tokens.by_hash(refresh(3).token_hash) == refresh(3, family="fam-2")
        assert uow.refresh_tokens.revoke_all_for_user(admin().id, at) == 1


def test_a_reset_token_is_consumed_once_and_not_after_expiry(auth_uow: Factory) -> None:
    stored(auth_uow, admin(), reset(1), reset(2), reset(3))
    with auth_uow() as uow:
        assert uow.reset_tokens.by_hash(reset(1).token_hash) == reset(1)
        assert uow.reset_tokens.consume(reset(1).id, T0) is True
        assert uow.reset_tokens.consume(reset(1).id, T0) is False
        assert uow.reset_tokens.consume(reset(2).id, T0 + timedelta(hours=1)) is False
        assert uow.reset_tokens.invalidate_all_for_user(admin().id, T0) == 2
        assert uow.reset_tokens.consume(reset(3).id, T0) is False
        uow.commit()
    with auth_uow() as uow:
        assert uow.reset_tokens.by_hash(reset(1).token_hash) == reset(1, used_at=T0)


def test_a_family_is_live_until_any_of_its_tokens_is_revoked(auth_uow: Factory) -> None:
    spent = T0 + timedelta(minutes=1)
    stored(auth_uow, admin(), refresh(1, used_at=spent), refresh(2), refresh(3, family="fam-2"))
    with auth_uow() as uow:
        assert uow.refresh_tokens.family_live("fam-1", admin().id)  # spending is no revoking
        assert not uow.refresh_tokens.family_live("fam-1", "someone-else")
        assert not uow.refresh_tokens.family_live("no-such-family", admin().id)
    with auth_uow() as uow:  # one revoked token ends the family, even if a successor came
        uow.refresh_tokens.add(refresh(4, family="fam-2", revoked_at=spent))
        uow.refresh_tokens.add(refresh(5, family="fam-2"))
        uow.commit()
    with auth_uow() as uow:
        assert not uow.refresh_tokens.family_live("fam-2", admin().id)
        assert uow.refresh_tokens.family_live("fam-1", admin().id)


def test_the_session_user_is_read_only_while_the_family_is_live(auth_uow: Factory) -> None:
    spent = T0 + timedelta(minutes=1)
    stored(auth_uow, admin(), refresh(1, used_at=spent), refresh(2), refresh(3, family="fam-2"))
    with auth_uow() as uow:
        assert uow.users.session_user(admin().id, "fam-1") == admin()
        assert uow.users.session_user("someone-else", "fam-1") is None
        assert uow.users.session_user(admin().id, "no-such-family") is None
        uow.refresh_tokens.add(refresh(4, family="fam-2", revoked_at=spent))
        uow.commit()
    with auth_uow() as uow:
        assert uow.users.session_user(admin().id, "fam-2") is None  # one revoked ends it
        assert uow.users.session_user(admin().id, "fam-1") == admin()


def test_revoking_all_but_one_family(auth_uow: Factory) -> None:
    stored(auth_uow, admin(), refresh(1), refresh(2), refresh(3, family="fam-2"))
    at = T0 + timedelta(minutes=2)
    with auth_uow() as uow:
        assert uow.refresh_tokens.revoke_all_for_user(admin().id, at, keep_family="fam-2") == 2
        uow.commit()
    with auth_uow() as uow:
        assert not uow.refresh_tokens.family_live("fam-1", admin().id)
        assert uow.refresh_tokens.family_live("fam-2", admin().id)


def test_purging_deletes_only_what_can_never_be_used_again(auth_uow: Factory) -> None:
    week = timedelta(days=7)
    stored(auth_uow, admin(),
           refresh(1, family="old", used_at=T0), refresh(2, family="old", revoked_at=T0),
           # one old token, but its family was rotated into a token still valid: kept whole
           refresh(3, family="rotated", used_at=T0),
           refresh(4, family="rotated", created_at=T0 + week, expires_at=T0 + 2 * week),
           refresh(5, family="live", expires_at=T0 + 3 * week),
           reset(1), reset(2, expires_at=T0 + 2 * week))
    before = T0 + week + timedelta(hours=1)
    with auth_uow() as uow:
        uow.rate_limits.hit("k", T0)
        uow.rate_limits.hit("k", before)
        assert uow.refresh_tokens.purge_expired(before) == 2
        assert uow.reset_tokens.purge_expired(before) == 1
        assert uow.rate_limits.purge(before) == 1
        uow.commit()
    with auth_uow() as uow:
        assert uow.refresh_tokens.by_hash(refresh(1).token_hash) is None
        assert uow.refresh_tokens.by_hash(refresh(2).token_hash) is None
        assert uow.refresh_tokens.by_hash(refresh(3).token_hash) is not None
        assert uow.refresh_tokens.family_live("rotated", admin().id)
        assert uow.refresh_tokens.family_live("live", admin().id)
        assert not uow.refresh_tokens.family_live("old", admin().id)
        assert uow.reset_tokens.by_hash(reset(1).token_hash) is None
        assert uow.reset_tokens.by_hash(reset(2).token_hash) is not None
        assert uow.rate_limits.count("k", before) == 1
        assert uow.rate_limits.count("k", T0) == 0
