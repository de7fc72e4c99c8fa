"""Mailers: SMTP (smtplib), queued in the background, a log mailer for development, and a
disabled one for production without SMTP_HOST. Each also delivers the outbox's complete
mails (`deliver`: text and HTML parts, attachments, a fixed Message-ID) over the same
connection rules."""

from __future__ import annotations

import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal

import structlog
from social_scale_core.auth.model import Mail
from social_scale_core.auth.ports import Mailer
from social_scale_core.delivery.model import OutgoingMail
from social_scale_core.errors import MailNotSent

log = structlog.get_logger("social_scale.mail")


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="socialscale.local")
    message.set_content(mail.body)
    return message


def _full_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for item in mail.attachments:
        maintype, _, subtype = item.content_type.partition("/")
        message.add_attachment(item.data, maintype=maintype, subtype=subtype,
                               filename=item.filename)
    return message


TlsMode = Literal["starttls", "ssl", "none"]


class SmtpMailer:
    """Sends through an SMTP server; logs in when a user is set. Every failure becomes
    MailNotSent, logged without the body (it may carry a reset token).

    `tls`: "ssl" is TLS from the first byte (port 465); "starttls" upgrades the plain
    connection, and when the server does not offer STARTTLS the send fails if `require_tls`
    (production) and goes on in clear otherwise (with a warning); "none" never encrypts.
    Certificates are verified against the system's trust store (or SSL_CERT_FILE)."""

    def __init__(self, host: str, port: int, sender: str, user: str | None = None,
                 password: str | None = None, timeout: float = 10.0, *,
                 tls: TlsMode = "starttls", require_tls: bool = False) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._user, self._password, self._timeout = user, password, timeout
        self.tls, self.require_tls = tls, require_tls

    def send(self, mail: Mail) -> None:
        self._send(_message(mail, self.sender))

    def deliver(self, mail: OutgoingMail) -> None:
        """Send a complete mail now (the outbox's retries wrap this; it does not queue)."""
        self._send(_full_message(mail, self.sender))

    def _send(self, message: EmailMessage) -> None:
        try:
            self._deliver(message)
        except (smtplib.SMTPException, OSError) as exc:
            log.error("mail_failed", to=message["To"], subject=message["Subject"],
                      smtp_host=self.host, error=f"{type(exc).__name__}: {exc}")
            raise MailNotSent(f"SMTP delivery failed: {type(exc).__name__}: {exc}") from exc

    def _connect(self, context: ssl.SSLContext) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self._timeout,
                                    context=context)
        return smtplib.SMTP(self.host, self.port, timeout=self._timeout)

    def _deliver(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        with self._connect(context) as smtp:
            smtp.ehlo()
            if self.tls == "starttls":
                self._start_tls(smtp, context)
            if self._user:
                smtp.login(self._user, self._password or "")
            smtp.send_message(message)

    def _start_tls(self, smtp: smtplib.SMTP, context: ssl.SSLContext) -> None:
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif self.require_tls:
            raise smtplib.SMTPNotSupportedError(
                "the server does not offer STARTTLS; nothing was sent in clear")
        else:
            log.warning("mail_in_clear", smtp_host=self.host,
                        reason="the server does not offer STARTTLS (allowed outside "
                        "production only)")


class LogMailer:
    """Development stand-in when SMTP_HOST is unset: writes the whole mail to the log."""

    def send(self, mail: Mail) -> None:
        log.warning("mail_logged_not_sent", to=mail.to, subject=mail.subject, body=mail.body,
                    reason="SMTP_HOST is not set; the mail is only written to this log")

    def deliver(self, mail: OutgoingMail) -> None:
        log.warning("mail_logged_not_sent", to=list(mail.to), subject=mail.subject,
                    body=mail.text, attachments=[a.filename for a in mail.attachments],
                    reason="SMTP_HOST is not set; the mail is only written to this log")


class DisabledMailer:
    """Production without SMTP_HOST: logs an error (never the body) and sends nothing."""

    def send(self, mail: Mail) -> None:
        log.error("mail_not_configured", to=mail.to, subject=mail.subject,
                  reason="SMTP_HOST is not set in production; the mail was not sent")
        raise MailNotSent("no mail server is configured")

    def deliver(self, mail: OutgoingMail) -> None:
        log.error("mail_not_configured", to=list(mail.to), subject=mail.subject,
                  reason="SMTP_HOST is not set in production; the mail was not sent")
        raise MailNotSent("no mail server is configured (SMTP_HOST)")


class BackgroundMailer:
    """Queues mails for another Mailer on a small thread pool, so that a request never
    waits for (or reveals through its timing) the mail server. Failures are logged."""

    def __init__(self, inner: Mailer, workers: int = 2) -> None:
        self._inner = inner
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mail")

    def send(self, mail: Mail) -> None:
        self._pool.submit(self._deliver, mail)

    def _deliver(self, mail: Mail) -> None:
        try:
            self._inner.send(mail)
        except MailNotSent:
            pass  # the inner mailer logged it
        except Exception:
            log.exception("mail_failed", to=mail.to, subject=mail.subject)

    @property
    def inner(self) -> Mailer:
        """The mailer that sends (the outbox calls it directly: the outbox is its queue)."""
        return self._inner

    def close(self) -> None:
        """Wait for queued mails (used on shutdown and by tests)."""
        self._pool.shutdown(wait=True)


def build_mailer(*, host: str | None, port: int, sender: str, user: str | None,
                 password: str | None, production: bool, tls: TlsMode = "starttls") -> Mailer:
    """The mailer the settings ask for."""
    if host:
        return BackgroundMailer(SmtpMailer(host, port, sender, user, password, tls=tls,
                                           require_tls=production))
    return DisabledMailer() if production else LogMailer()

