"""Register, change password, forgot and reset password, on in-memory fakes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from attrs import evolve
from social_scale_core.auth import accounts, sessions
from social_scale_core.auth.model import Role
from social_scale_core.auth.policy import secret_hash
from social_scale_core.errors import (
    AdminExists,
    InvalidCredentials,
    InvalidResetToken,
    InvalidToken,
    MailNotSent,
    RateLimited,
    ValidationFailed,
)

from tests.fakes.auth import FakeAuth

EMAIL, PASSWORD, IP = "boss@agency.in", "a long passphrase", "10.0.0.1"
NEW = "a brand new passphrase"


@pytest.fixture
def auth() -> FakeAuth:
    return FakeAuth()


@pytest.fixture
def admin(auth: FakeAuth) -> FakeAuth:
    accounts.register(auth.ports, EMAIL, PASSWORD, "Boss", IP)
    return auth


def reset_token(auth: FakeAuth) -> str:
    match = re.search(r"^    (\S+)$", auth.mailer.sent[-1].body, re.M)
    assert match, auth.mailer.sent[-1].body
    return match.group(1)


def test_register_creates_the_super_admin(auth: FakeAuth) -> None:
    user = accounts.register(auth.ports, " Boss@Agency.IN ", PASSWORD, " Boss ", IP)
    assert (user.email, user.name, user.role) == (EMAIL, "Boss", Role.SUPER_ADMIN)
    assert user.created_at == auth.clock.now()
    (stored,) = auth.store.state.users.values()
    assert stored.password_hash != PASSWORD and auth.hasher.verify(stored.password_hash,
                                                                   PASSWORD)


def test_only_one_admin_can_ever_register(admin: FakeAuth) -> None:
    with pytest.raises(AdminExists):
        accounts.register(admin.ports, "other@agency.in", PASSWORD, "Other", IP)
    assert len(admin.store.state.users) == 1


def test_a_weak_password_names_the_field_and_stores_nothing(auth: FakeAuth) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.register(auth.ports, EMAIL, "Boss-123456", "Boss", IP)
    assert caught.value.errors[0].field == "password"
    assert not auth.store.state.users


def test_register_attempts_are_limited_per_ip(auth: FakeAuth) -> None:
    for _ in range(10):
        with pytest.raises(ValidationFailed):
            accounts.register(auth.ports, EMAIL, "short", "Boss", IP)
    with pytest.raises(RateLimited):
        accounts.register(auth.ports, EMAIL, PASSWORD, "Boss", IP)
    assert accounts.register(auth.ports, EMAIL, PASSWORD, "Boss", "10.9.9.9")


def test_change_password_checks_the_current_one(admin: FakeAuth) -> None:
    user = sessions.login(admin.ports, EMAIL, PASSWORD, IP).user
    with pytest.raises(ValidationFailed) as wrong:
        accounts.change_password(admin.ports, user, "not the passphrase", NEW, IP)
    assert wrong.value.errors[0].field == "currentPassword"
    for weak in ("short", PASSWORD):
        with pytest.raises(ValidationFailed) as caught:
            accounts.change_password(admin.ports, user, PASSWORD, weak, IP)
        assert caught.value.errors[0].field == "newPassword"


def test_change_password_revokes_every_refresh_token(admin: FakeAuth) -> None:
    one = sessions.login(admin.ports, EMAIL, PASSWORD, IP)
    two = sessions.login(admin.ports, EMAIL, PASSWORD, IP)
    accounts.change_password(admin.ports, one.user, PASSWORD, NEW, IP)
    for tokens in (one, two):
        with pytest.raises(InvalidToken):
            sessions.refresh(admin.ports, tokens.refresh_token)
    with pytest.raises(InvalidCredentials):
        sessions.login(admin.ports, EMAIL, PASSWORD, IP)
    assert sessions.login(admin.ports, EMAIL, NEW, IP).access_token


def test_forgot_password_mails_a_hashed_single_use_token(admin: FakeAuth) -> None:
    accounts.forgot_password(admin.ports, "BOSS@agency.in", IP)
    (mail,) = admin.mailer.sent
    token = reset_token(admin)
    assert mail.to == EMAIL and "60 minutes" in mail.body
    (stored,) = admin.store.state.reset_tokens.values()
    assert stored.token_hash == secret_hash(token)
    assert stored.expires_at == admin.clock.now() + admin.policy.reset_ttl


def test_forgot_password_for_an_unknown_email_does_nothing(admin: FakeAuth) -> None:
    accounts.forgot_password(admin.ports, "nobody@agency.in", IP)
    assert admin.mailer.sent == [] and admin.store.state.reset_tokens == {}


def test_a_mail_failure_is_not_the_callers_problem(admin: FakeAuth) -> None:
    admin.mailer.failure = MailNotSent("smtp down")
    accounts.forgot_password(admin.ports, EMAIL, IP)  # no exception: the answer is the same
    assert len(admin.store.state.reset_tokens) == 1


def test_forgot_password_is_limited_per_ip(admin: FakeAuth) -> None:
    for i in range(10):
        accounts.forgot_password(admin.ports, f"u{i}@agency.in", IP)
    with pytest.raises(RateLimited):
        accounts.forgot_password(admin.ports, EMAIL, IP)
    assert admin.mailer.sent == []


def test_forgot_password_is_limited_per_email_from_any_ip(admin: FakeAuth) -> None:
    for i in range(5):
        accounts.forgot_password(admin.ports, EMAIL, f"10.0.0.{i}")
    with pytest.raises(RateLimited):
        accounts.forgot_password(admin.ports, EMAIL.upper(), "10.0.1.1")
    with pytest.raises(RateLimited):  # unknown emails count the same: nothing to tell apart
        for i in range(6):
            accounts.forgot_password(admin.ports, "nobody@agency.in", f"10.0.2.{i}")
    assert len(admin.mailer.sent) == 5


def test_forgot_password_hands_the_lookup_and_mail_to_the_background(
        admin: FakeAuth) -> None:
    queued: list[Callable[[], None]] = []
    ports = evolve(admin.ports, background=queued.append)
    accounts.forgot_password(ports, EMAIL, IP)
    accounts.forgot_password(ports, "nobody@agency.in", IP)
    assert admin.mailer.sent == [] and admin.store.state.reset_tokens == {}
    for task in queued:
        task()
    assert [m.to for m in admin.mailer.sent] == [EMAIL]


def test_a_new_reset_token_spends_the_earlier_ones(admin: FakeAuth) -> None:
    accounts.forgot_password(admin.ports, EMAIL, IP)
    older = reset_token(admin)
    accounts.forgot_password(admin.ports, EMAIL, IP)
    with pytest.raises(InvalidResetToken):
        accounts.reset_password(admin.ports, older, NEW, IP)
    accounts.reset_password(admin.ports, reset_token(admin), NEW, IP)


def test_reset_password_is_limited_per_ip(admin: FakeAuth) -> None:
    for _ in range(10):
        with pytest.raises(InvalidResetToken):
            accounts.reset_password(admin.ports, "guess", NEW, IP)
    with pytest.raises(RateLimited):
        accounts.reset_password(admin.ports, "guess", NEW, IP)


def test_reset_password_works_once_and_ends_all_sessions(admin: FakeAuth) -> None:
    session = sessions.login(admin.ports, EMAIL, PASSWORD, IP)
    accounts.forgot_password(admin.ports, EMAIL, IP)
    token = reset_token(admin)
    accounts.reset_password(admin.ports, token, NEW, IP)
    assert sessions.login(admin.ports, EMAIL, NEW, IP).access_token
    with pytest.raises(InvalidToken):
        sessions.refresh(admin.ports, session.refresh_token)
    with pytest.raises(InvalidResetToken):
        accounts.reset_password(admin.ports, token, "yet another passphrase", IP)


def test_a_reset_token_expires_after_an_hour(admin: FakeAuth) -> None:
    accounts.forgot_password(admin.ports, EMAIL, IP)
    token = reset_token(admin)
    admin.clock.advance(minutes=60)
    with pytest.raises(InvalidResetToken) as caught:
        accounts.reset_password(admin.ports, token, NEW, IP)
    assert caught.value.errors[0].field == "token"


def test_a_weak_new_password_does_not_spend_the_token(admin: FakeAuth) -> None:
    accounts.forgot_password(admin.ports, EMAIL, IP)
    token = reset_token(admin)
    with pytest.raises(ValidationFailed) as caught:
        accounts.reset_password(admin.ports, token, "short", IP)
    assert caught.value.errors[0].field == "newPassword"
    accounts.reset_password(admin.ports, token, NEW, IP)


def test_a_reset_spends_every_other_reset_token_too(admin: FakeAuth) -> None:
    accounts.forgot_password(admin.ports, EMAIL, IP)
    older = reset_token(admin)
    accounts.forgot_password(admin.ports, EMAIL, IP)
    accounts.reset_password(admin.ports, reset_token(admin), NEW, IP)
    with pytest.raises(InvalidResetToken):
        accounts.reset_password(admin.ports, older, "yet another passphrase", IP)
