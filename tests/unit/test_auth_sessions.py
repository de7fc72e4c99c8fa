"""Login, refresh-token rotation, logout and access-token checks, on in-memory fakes."""

from __future__ import annotations

import pytest
from social_scale_core.auth import accounts, sessions
from social_scale_core.auth.model import SessionTokens
from social_scale_core.auth.policy import secret_hash
from social_scale_core.errors import InvalidCredentials, InvalidToken, RateLimited

from tests.fakes.auth import FakeAuth

EMAIL, PASSWORD, IP = "boss@agency.in", "a long passphrase", "10.0.0.1"


@pytest.fixture
def auth() -> FakeAuth:
    fake = FakeAuth()
    accounts.register(fake.ports, EMAIL, PASSWORD, "Boss", IP)
    return fake


def login(auth: FakeAuth, password: str = PASSWORD, ip: str = IP,
          email: str = EMAIL) -> SessionTokens:
    return sessions.login(auth.ports, email, password, ip)


def test_login_gives_an_access_and_a_stored_hashed_refresh_token(auth: FakeAuth) -> None:
    tokens = login(auth, email="  BOSS@Agency.in")
    assert tokens.user.email == EMAIL and tokens.expires_in == 15 * 60
    assert sessions.authenticate(auth.ports, tokens.access_token).user.id == tokens.user.id
    stored = list(auth.store.state.refresh_tokens.values())
    assert [t.token_hash for t in stored] == [secret_hash(tokens.refresh_token)]
    assert stored[0].expires_at == auth.clock.now() + auth.policy.refresh_ttl


def test_wrong_password_and_unknown_email_fail_alike(auth: FakeAuth) -> None:
    with pytest.raises(InvalidCredentials):
        login(auth, password="not the passphrase")
    before = auth.hasher.verifications
    with pytest.raises(InvalidCredentials) as unknown:
        login(auth, email="nobody@agency.in")
    assert auth.hasher.verifications == before + 1  # the same hashing work was done
    assert str(unknown.value) == "Wrong email or password."


def test_five_failures_lock_that_email_and_ip_for_the_window(auth: FakeAuth) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            login(auth, password="wrong wrong wrong")
    with pytest.raises(RateLimited) as limited:
        login(auth)  # even the right password
    assert 0 < limited.value.retry_after <= 15 * 60
    with pytest.raises(RateLimited) as elsewhere:  # the account waits, from any ip
        login(auth, ip="10.0.0.2")
    assert 0 < elsewhere.value.retry_after <= 5 * 60
    auth.clock.advance(seconds=elsewhere.value.retry_after)
    assert login(auth, ip="10.0.0.2").access_token  # a wait, never a lock-out
    auth.clock.advance(seconds=limited.value.retry_after)
    assert login(auth).access_token


def test_failures_per_ip_count_whatever_the_email(auth: FakeAuth) -> None:
    hashed = auth.hasher.verifications
    for i in range(20):
        with pytest.raises(InvalidCredentials):
            login(auth, email=f"nobody{i}@agency.in")
    with pytest.raises(RateLimited):
        login(auth, email="yet-another@agency.in")
    assert auth.hasher.verifications == hashed + 20  # refused before any hashing
    assert login(auth, ip="10.0.0.9").access_token


def test_the_account_waits_grow_from_minutes_to_an_hour(auth: FakeAuth) -> None:
    """Failures from ever new addresses: first waits of minutes, then of up to an hour."""
    waits: list[int] = []
    for n in range(40):
        try:
            login(auth, password="wrong wrong wrong", ip=f"10.1.{n}.1")
        except InvalidCredentials:
            continue
        except RateLimited as limited:
            waits.append(limited.retry_after)
            auth.clock.advance(seconds=limited.retry_after)
            if limited.retry_after > 5 * 60:
                break
    assert waits[0] <= 5 * 60 and 5 * 60 < waits[-1] <= 3600, waits
    assert login(auth, ip="10.3.0.1").access_token  # after the wait, never locked out


def test_access_tokens_die_with_their_session(auth: FakeAuth) -> None:
    logged_out, reused, kept = login(auth), login(auth), login(auth)
    sessions.logout(auth.ports, logged_out.user, logged_out.refresh_token)
    with pytest.raises(InvalidToken):
        sessions.authenticate(auth.ports, logged_out.access_token)
    rotated = sessions.refresh(auth.ports, reused.refresh_token)
    with pytest.raises(InvalidToken):
        sessions.refresh(auth.ports, reused.refresh_token)
    for token in (reused.access_token, rotated.access_token):
        with pytest.raises(InvalidToken):
            sessions.authenticate(auth.ports, token)
    assert sessions.authenticate(auth.ports, kept.access_token).session_id


def test_check_access_refuses_a_session_of_someone_else(auth: FakeAuth) -> None:
    tokens = login(auth)
    session = sessions.authenticate(auth.ports, tokens.access_token).session_id
    assert sessions.check_access(auth.ports, tokens.user.id, session) == tokens.user
    with pytest.raises(InvalidToken):
        sessions.check_access(auth.ports, "another-user", session)
    with pytest.raises(InvalidToken):
        sessions.check_access(auth.ports, tokens.user.id, "no-such-family")


def test_a_success_clears_the_failures(auth: FakeAuth) -> None:
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            login(auth, password="wrong wrong wrong")
    login(auth)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            login(auth, password="wrong wrong wrong")
    assert login(auth).access_token


def test_a_stale_hash_is_upgraded_at_login(auth: FakeAuth) -> None:
    auth.hasher.version = 2
    login(auth)
    (user,) = auth.store.state.users.values()
    assert user.password_hash.startswith("fake2$")
    assert login(auth).access_token


def test_refresh_rotates_and_spends_the_old_token(auth: FakeAuth) -> None:
    first = login(auth)
    second = sessions.refresh(auth.ports, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert sessions.authenticate(auth.ports, second.access_token).user.email == EMAIL
    third = sessions.refresh(auth.ports, second.refresh_token)
    families = {t.family_id for t in auth.store.state.refresh_tokens.values()}
    assert len(families) == 1 and third.refresh_token


def test_a_spent_token_revokes_its_whole_family(auth: FakeAuth) -> None:
    other_session = login(auth)
    first = login(auth)
    second = sessions.refresh(auth.ports, first.refresh_token)
    with pytest.raises(InvalidToken, match="already used"):
        sessions.refresh(auth.ports, first.refresh_token)
    with pytest.raises(InvalidToken):
        sessions.refresh(auth.ports, second.refresh_token)  # the thief's copy is dead too
    assert sessions.refresh(auth.ports, other_session.refresh_token).refresh_token


def test_expired_or_unknown_refresh_tokens_are_refused(auth: FakeAuth) -> None:
    tokens = login(auth)
    with pytest.raises(InvalidToken):
        sessions.refresh(auth.ports, "no-such-token")
    with pytest.raises(InvalidToken):
        sessions.refresh(auth.ports, tokens.access_token)  # an access token is no refresh
    auth.clock.advance(days=7)
    with pytest.raises(InvalidToken, match="expired"):
        sessions.refresh(auth.ports, tokens.refresh_token)


def test_logout_ends_only_that_session(auth: FakeAuth) -> None:
    kept, ended = login(auth), login(auth)
    sessions.logout(auth.ports, ended.user, ended.refresh_token)
    with pytest.raises(InvalidToken):
        sessions.refresh(auth.ports, ended.refresh_token)
    assert sessions.refresh(auth.ports, kept.refresh_token).access_token
    sessions.logout(auth.ports, ended.user, "unknown token")  # a no-op, not an error


def test_access_tokens_expire_and_die_with_their_user(auth: FakeAuth) -> None:
    tokens = login(auth)
    auth.clock.advance(minutes=14, seconds=59)
    assert sessions.authenticate(auth.ports, tokens.access_token)
    auth.clock.advance(seconds=1)
    with pytest.raises(InvalidToken):
        sessions.authenticate(auth.ports, tokens.access_token)
    fresh = login(auth)
    auth.store.state.users.clear()
    with pytest.raises(InvalidToken):
        sessions.authenticate(auth.ports, fresh.access_token)
