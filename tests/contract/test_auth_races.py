"""Concurrency of auth on the real databases: one admin, one winner per refresh token."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from social_scale_adapters.auth.hasher import Argon2Hasher
from social_scale_adapters.auth.tokens import JwtAccessTokenCodec
from social_scale_adapters.db.engine import make_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.auth import accounts, sessions
from social_scale_core.auth.sessions import AuthPorts
from social_scale_core.clock import SystemClock
from social_scale_core.errors import AdminExists, InvalidToken

from tests.fakes.auth import RecordingMailer

PASSWORD = "a long passphrase"


@pytest.fixture
def ports(db_url: str) -> Iterator[AuthPorts]:
    engine = make_engine(db_url, pool_size=25)
    factory = make_session_factory(engine)
    yield AuthPorts(uow=lambda: SqlUnitOfWork(factory), hasher=Argon2Hasher("fast"),
                    codec=JwtAccessTokenCodec("r" * 40), mailer=RecordingMailer(),
                    clock=SystemClock())
    engine.dispose()


def together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released at once; results or the exceptions raised."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_twenty_concurrent_registrations_make_exactly_one_admin(ports: AuthPorts) -> None:
    results = together(20, lambda i: accounts.register(
        ports, f"admin{i}@agency.in", PASSWORD, f"Admin {i}", f"10.0.0.{i}"))
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert all(isinstance(r, AdminExists) for r in results if r is not winners[0]), results
    with ports.uow() as uow:
        assert uow.users.by_email(winners[0].email) == winners[0]
        assert sum(uow.users.by_email(f"admin{i}@agency.in") is not None
                   for i in range(20)) == 1


def test_two_concurrent_refreshes_of_one_token_one_wins_family_revoked(
        ports: AuthPorts) -> None:
    accounts.register(ports, "boss@agency.in", PASSWORD, "Boss", "10.0.0.1")
    login = sessions.login(ports, "boss@agency.in", PASSWORD, "10.0.0.1")
    results = together(2, lambda i: sessions.refresh(ports, login.refresh_token))
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 1, results
    assert any(isinstance(r, InvalidToken) for r in results), results
    with pytest.raises(InvalidToken):  # the loser revoked the winner's successor as well
        sessions.refresh(ports, won[0].refresh_token)


def test_concurrent_logins_with_a_wrong_password_get_at_most_five_tries(
        ports: AuthPorts) -> None:
    accounts.register(ports, "boss@agency.in", PASSWORD, "Boss", "10.0.0.1")
    results = together(12, lambda i: sessions.login(
        ports, "boss@agency.in", "wrong wrong wrong", "10.0.0.9"))
    names = sorted(type(r).__name__ for r in results)
    assert names == ["InvalidCredentials"] * 5 + ["RateLimited"] * 7
