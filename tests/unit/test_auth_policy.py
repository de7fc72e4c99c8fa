"""Password policy, email normalisation and opaque token secrets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.auth.policy import (
    check_password,
    new_secret,
    normalise_email,
    password_problems,
    secret_hash,
)
from social_scale_core.errors import ValidationFailed


def test_ten_characters_are_enough() -> None:
    assert password_problems("Tq8#vLz2pW", "admin@agency.in") == []


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "password12", "qwertyuiop", "1234567890"])
def test_guessable_passwords_are_refused_with_zxcvbn_feedback(weak: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_password(weak, "admin@agency.in")
    (error,) = caught.value.errors
    assert error.field == "password" and "too easy to guess" in error.message


def test_zxcvbn_says_why() -> None:
    (problem,) = password_problems("aaaaaaaaaa", "admin@agency.in")
    assert 'Repeats like "aaa" are easy to guess' in problem


def test_nine_characters_are_not() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_password("x" * 9, "admin@agency.in")
    assert [e.field for e in caught.value.errors] == ["password"]
    assert "at least 10" in caught.value.errors[0].message


def test_the_field_named_is_the_one_given() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_password("short", "admin@agency.in", field="newPassword")
    assert caught.value.errors[0].field == "newPassword"


@pytest.mark.parametrize("password", ["JohnSmith1", "johnsmith1", "xxJOHNSMITHxx", "johnsmith"])
def test_the_email_name_may_not_be_in_the_password(password: str) -> None:
    problems = password_problems(password, "JohnSmith@agency.in")
    assert "must not contain the email address's name" in problems


def test_a_very_short_email_name_is_only_refused_as_the_whole_password() -> None:
    assert password_problems("a-passphrase-long", "ab@agency.in") == []
    assert password_problems("ABABABABAB", "ababababab@x.io") != []


def test_overlong_passwords_are_refused() -> None:
    assert password_problems("x" * 1025, "a@b.io") == ["must be at most 1024 characters long"]


@given(local=st.text("abcdefghijklmnop", min_size=3, max_size=12),
       before=st.text(min_size=0, max_size=8), after=st.text(min_size=0, max_size=8))
def test_any_password_containing_the_name_is_refused(local: str, before: str,
                                                     after: str) -> None:
    password = before + local.upper() + after + "0123456789"
    assert "must not contain the email address's name" in password_problems(
        password, f"{local}@example.com")


def test_emails_are_compared_lower_case_and_trimmed() -> None:
    assert normalise_email("  Admin@Agency.IN ") == "admin@agency.in"


def test_secrets_are_random_and_stored_as_sha256() -> None:
    first, second = new_secret(), new_secret()
    assert first != second and len(first) >= 43
    digest = secret_hash(first)
    assert len(digest) == 64 and digest == secret_hash(first) != secret_hash(second)
    assert first not in digest
