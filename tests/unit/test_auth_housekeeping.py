"""Purging the auth tables never ends a session or a lock-out that can still matter."""

from __future__ import annotations

import pytest
from social_scale_core.auth import accounts, sessions
from social_scale_core.auth.housekeeping import KEEP_FOR, purge_spent
from social_scale_core.errors import InvalidCredentials, InvalidToken, RateLimited

from tests.fakes.auth import FakeAuth

EMAIL, PASSWORD, IP = "boss@agency.in", "a long passphrase", "10.0.0.1"


@pytest.fixture
def auth() -> FakeAuth:
    fake = FakeAuth()
    accounts.register(fake.ports, EMAIL, PASSWORD, "Boss", IP)
    return fake


def test_a_live_session_and_a_running_lock_out_survive_a_purge(auth: FakeAuth) -> None:
    tokens = sessions.login(auth.ports, EMAIL, PASSWORD, IP)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sessions.login(auth.ports, EMAIL, "wrong passphrase", "10.0.0.2")
    assert purge_spent(auth.ports).total == 0
    with pytest.raises(RateLimited):  # the lock-out's bucket was kept
        sessions.login(auth.ports, EMAIL, PASSWORD, "10.0.0.2")
    renewed = sessions.refresh(auth.ports, tokens.refresh_token)
    assert sessions.authenticate(auth.ports, renewed.access_token).user.email == EMAIL


def test_what_expired_a_day_ago_is_deleted(auth: FakeAuth) -> None:
    tokens = sessions.login(auth.ports, EMAIL, PASSWORD, IP)
    renewed = sessions.refresh(auth.ports, tokens.refresh_token)
    with pytest.raises(InvalidCredentials):
        sessions.login(auth.ports, EMAIL, "wrong passphrase", IP)
    auth.clock.advance(seconds=(auth.policy.refresh_ttl + KEEP_FOR).total_seconds() + 1)
    purged = purge_spent(auth.ports)
    assert purged.refresh_tokens == 2 and purged.rate_limit_buckets >= 1
    assert auth.store.state.refresh_tokens == {} and auth.store.state.hits == {}
    with pytest.raises(InvalidToken):
        sessions.refresh(auth.ports, renewed.refresh_token)
    assert purge_spent(auth.ports).total == 0
