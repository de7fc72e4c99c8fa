"""The console cookie's signature and idle clock, and CSRF tokens (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st
from social_scale_web.session import Signer

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
IDLE = timedelta(minutes=30)


def test_a_fresh_cookie_opens_to_its_secret() -> None:
    signer = Signer("k" * 48)
    assert signer.open_cookie(signer.cookie("abc_DEF-1", NOW), NOW, IDLE) == "abc_DEF-1"


def test_an_idle_cookie_no_longer_opens() -> None:
    signer = Signer("k" * 48)
    cookie = signer.cookie("secret", NOW)
    assert signer.open_cookie(cookie, NOW + IDLE, IDLE) == "secret"
    assert signer.open_cookie(cookie, NOW + IDLE + timedelta(seconds=1), IDLE) is None


def test_winding_the_idle_clock_back_breaks_the_signature() -> None:
    signer = Signer("k" * 48)
    secret, seen, mac = signer.cookie("secret", NOW).split(".")
    later = f"{secret}.{int(seen) + 3600}.{mac}"
    assert signer.open_cookie(later, NOW + timedelta(hours=1), IDLE) is None


def test_another_services_key_does_not_open_the_cookie() -> None:
    assert Signer("x" * 48).open_cookie(Signer("k" * 48).cookie("s", NOW), NOW, IDLE) is None


@given(st.text(max_size=200))
@example("s.1.\u00e9")  # non-ASCII where the MAC goes: compared as bytes, not refused
def test_garbage_never_opens_and_never_raises(value: str) -> None:
    assert Signer("k" * 48).open_cookie(value, NOW, IDLE) is None


def test_a_non_ascii_csrf_token_is_refused_not_an_error() -> None:
    assert not Signer("k" * 48).csrf_ok("s:one", "\u00e9" * 40)


def test_csrf_tokens_are_bound_to_their_session() -> None:
    signer = Signer("k" * 48)
    token = signer.csrf("s:one")
    assert signer.csrf_ok("s:one", token)
    assert not signer.csrf_ok("s:two", token)
    assert not signer.csrf_ok("s:one", "")
    assert not signer.csrf_ok(None, token)
