"""SmtpMailer and TLS against a real SMTP server (aiosmtpd) with a self-signed certificate
that the test trusts (SSL_CERT_FILE): STARTTLS, implicit TLS, and refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from social_scale_adapters.auth.mail import SmtpMailer
from social_scale_core.auth.model import Mail
from social_scale_core.errors import MailNotSent
from structlog.testing import capture_logs

from tests.smtp_server import MailCatcher
from tests.tls_cert import CertPair, self_signed

TOKEN = "reset-t0ken-that-must-not-leak"
MAIL = Mail(to="boss@agency.in", subject="Reset", body=f"token: {TOKEN}")
PASSWORD = "smtp-pass-never-in-clear"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def cert(tmp_path: Path) -> CertPair:
    return self_signed(tmp_path / "tls")


@pytest.fixture
def trusted(cert: CertPair, monkeypatch: pytest.MonkeyPatch) -> Iterator[CertPair]:
    monkeypatch.setenv("SSL_CERT_FILE", str(cert.cert))
    yield cert


def test_starttls_is_used_when_offered(trusted: CertPair) -> None:
    with MailCatcher(user="mailer", password=PASSWORD, tls="starttls", cert=trusted) as smtp:
        SmtpMailer("127.0.0.1", smtp.port, "a@b.io", user="mailer", password=PASSWORD,
                   tls="starttls", require_tls=True).send(MAIL)
        assert smtp.encrypted == [True] and smtp.logins == ["mailer"]


def test_implicit_tls_from_the_first_byte(trusted: CertPair) -> None:
    with MailCatcher(tls="ssl", cert=trusted) as smtp:
        SmtpMailer("127.0.0.1", smtp.port, "a@b.io", tls="ssl", require_tls=True).send(MAIL)
        assert smtp.encrypted == [True]
        assert TOKEN in smtp.messages[0].get_payload()


def test_a_server_without_starttls_gets_nothing_when_tls_is_required() -> None:
    with MailCatcher(user="mailer", password=PASSWORD) as smtp:
        mailer = SmtpMailer("127.0.0.1", smtp.port, "a@b.io", user="mailer",
                            password=PASSWORD, tls="starttls", require_tls=True)
        with capture_logs() as logs, pytest.raises(MailNotSent):
            mailer.send(MAIL)
        assert smtp.messages == [] and smtp.logins == []  # not even the password went out
    assert [entry["event"] for entry in logs] == ["mail_failed"]
    assert "STARTTLS" in logs[0]["error"]
    assert TOKEN not in repr(logs) and PASSWORD not in repr(logs)


def test_outside_production_a_plain_server_still_gets_the_mail_with_a_warning() -> None:
    with MailCatcher() as smtp:
        with capture_logs() as logs:
            SmtpMailer("127.0.0.1", smtp.port, "a@b.io", tls="starttls").send(MAIL)
        assert smtp.encrypted == [False]
    assert [entry["event"] for entry in logs] == ["mail_in_clear"]


def test_an_untrusted_certificate_is_refused(cert: CertPair) -> None:
    with MailCatcher(tls="starttls", cert=cert) as smtp:  # SSL_CERT_FILE not set: untrusted
        with capture_logs() as logs, pytest.raises(MailNotSent):
            SmtpMailer("127.0.0.1", smtp.port, "a@b.io", tls="starttls",
                       require_tls=True).send(MAIL)
        assert smtp.messages == []
    assert "CERTIFICATE_VERIFY_FAILED" in logs[0]["error"]
    assert TOKEN not in repr(logs)
