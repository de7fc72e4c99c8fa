"""The auth adapters: argon2id hashing, HS256 JWT codec, and the mailers (real SMTP)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from social_scale_adapters.auth.hasher import Argon2Hasher
from social_scale_adapters.auth.mail import (
    BackgroundMailer,
    DisabledMailer,
    LogMailer,
    SmtpMailer,
    build_mailer,
)
from social_scale_adapters.auth.tokens import JwtAccessTokenCodec
from social_scale_core.auth.model import AccessClaims, Mail
from social_scale_core.errors import InvalidToken, MailNotSent
from structlog.testing import capture_logs

from tests.smtp_server import MailCatcher

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
SECRET = "k" * 64  # long enough for HS512, so that only the algorithm is wrong
MAIL = Mail(to="boss@agency.in", subject="Reset", body="token: s3cr3t-t0ken")


def test_argon2id_hashes_verify_and_flag_weaker_profiles() -> None:
    fast = Argon2Hasher("fast")
    stored = fast.hash("a long passphrase")
    assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
    assert fast.verify(stored, "a long passphrase") is True
    assert fast.verify(stored, "A long passphrase") is False
    assert fast.verify(None, "a long passphrase") is False
    assert fast.verify("not a hash", "x") is False
    assert fast.needs_rehash(stored) is False
    assert Argon2Hasher("strong").needs_rehash(stored) is True


def claims(**changes: object) -> AccessClaims:
    values: dict[str, object] = {"sub": "user-1", "issued_at": T0,
                                 "expires_at": T0 + timedelta(minutes=15), "jti": "j-1",
                                 "sid": "family-1"}
    values.update(changes)
    return AccessClaims(**values)  # type: ignore[arg-type]


def test_jwt_round_trip_until_expiry() -> None:
    codec = JwtAccessTokenCodec(SECRET)
    token = codec.encode(claims())
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert codec.decode(token, T0 + timedelta(minutes=14)) == claims()
    with pytest.raises(InvalidToken):
        codec.decode(token, T0 + timedelta(minutes=15))


@pytest.mark.parametrize("token", [
    jwt.encode({"sub": "u", "iat": 1, "exp": 4_000_000_000, "jti": "j", "typ": "access"},
               None, algorithm="none"),
    jwt.encode({"sub": "u", "iat": 1, "exp": 4_000_000_000, "jti": "j", "typ": "access"},
               SECRET, algorithm="HS512"),
    jwt.encode({"sub": "u", "iat": 1, "exp": 4_000_000_000, "jti": "j", "typ": "access"},
               "x" * 48, algorithm="HS256"),
    jwt.encode({"sub": "u", "iat": 1, "exp": 4_000_000_000, "jti": "j", "typ": "refresh"},
               SECRET, algorithm="HS256"),
    jwt.encode({"sub": "u", "iat": 1, "exp": 4_000_000_000, "typ": "access"},
               SECRET, algorithm="HS256"),
    jwt.encode({"sub": 7, "iat": 1, "exp": 4_000_000_000, "jti": "j", "typ": "access"},
               SECRET, algorithm="HS256"),
    "a.b.c", "",
], ids=["none", "HS512", "other secret", "typ refresh", "no jti", "int sub", "junk", "empty"])
def test_jwt_refuses_anything_but_our_hs256_access_tokens(token: str) -> None:
    with pytest.raises(InvalidToken):
        JwtAccessTokenCodec(SECRET).decode(token, T0)


def test_smtp_mailer_delivers_plain_text() -> None:
    with MailCatcher() as smtp:
        SmtpMailer("127.0.0.1", smtp.port, "Social Scale <no-reply@ss.local>").send(MAIL)
        (message,) = smtp.messages
    assert message["To"] == "boss@agency.in" and message["Subject"] == "Reset"
    assert message["From"] == "Social Scale <no-reply@ss.local>"
    assert "s3cr3t-t0ken" in message.get_payload()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_mailer_logs_in_when_a_user_is_set() -> None:
    with MailCatcher(user="mailer", password="pw-123") as smtp:
        SmtpMailer("127.0.0.1", smtp.port, "a@b.io", user="mailer", password="pw-123",
                   tls="none").send(MAIL)
        assert smtp.logins == ["mailer"] and len(smtp.messages) == 1
        with capture_logs() as logs, pytest.raises(MailNotSent):
            SmtpMailer("127.0.0.1", smtp.port, "a@b.io", user="mailer",
                       password="wrong", tls="none").send(MAIL)
    assert logs[0]["event"] == "mail_failed"


def test_an_unreachable_server_is_mail_not_sent_and_logged_without_the_body() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connection refused
        with capture_logs() as logs, pytest.raises(MailNotSent):
            SmtpMailer("127.0.0.1", port, "a@b.io", timeout=2).send(MAIL)
    assert logs[0]["event"] == "mail_failed" and logs[0]["log_level"] == "error"
    assert "s3cr3t" not in repr(logs)


def test_background_mailer_delivers_later_and_swallows_failures() -> None:
    with MailCatcher() as smtp:
        mailer = BackgroundMailer(SmtpMailer("127.0.0.1", smtp.port, "a@b.io"))
        mailer.send(MAIL)
        mailer.close()
        assert len(smtp.messages) == 1
    broken = BackgroundMailer(DisabledMailer())
    with capture_logs() as logs:
        broken.send(MAIL)
        broken.close()
    assert [entry["event"] for entry in logs] == ["mail_not_configured"]


def test_log_and_disabled_mailers() -> None:
    with capture_logs() as logs:
        LogMailer().send(MAIL)
        with pytest.raises(MailNotSent):
            DisabledMailer().send(MAIL)
    logged, disabled = logs
    assert logged["body"] == MAIL.body and logged["log_level"] == "warning"
    assert disabled["log_level"] == "error" and "s3cr3t" not in repr(disabled)


def test_build_mailer_follows_the_settings() -> None:
    common = {"port": 25, "sender": "a@b.io", "user": None, "password": None}
    assert isinstance(build_mailer(host="smtp.x", production=True, **common), BackgroundMailer)
    assert isinstance(build_mailer(host=None, production=False, **common), LogMailer)
    assert isinstance(build_mailer(host=None, production=True, **common), DisabledMailer)
