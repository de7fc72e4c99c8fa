"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps what it gets."""

from __future__ import annotations

import socket
import ssl
import time
from email import message_from_bytes
from email.message import Message
from types import TracebackType
from typing import Any, Literal, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class _Handler:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.logins: list[str] = []
        self.encrypted: list[bool] = []  # per message: did it arrive over TLS?

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        self.encrypted.append(session.ssl is not None  # after STARTTLS
                              or server.transport.get_extra_info("sslcontext") is not None)
        return "250 OK"


class MailCatcher:
    """`with MailCatcher() as smtp:` serves on 127.0.0.1:`smtp.port`; mails land in
    `smtp.messages`. With `user`/`password` it requires AUTH LOGIN/PLAIN (over plain text
    too, which only a test may allow). With `tls` and a certificate (`cert`, `key` PEM
    files) it offers STARTTLS ("starttls") or speaks TLS from the first byte ("ssl")."""

    def __init__(self, user: str | None = None, password: str | None = None,
                 tls: Literal["starttls", "ssl"] | None = None,
                 cert: Any = None) -> None:
        self._handler = _Handler()
        self._credentials = (user, password)
        kwargs: dict[str, Any] = {}
        if user is not None:
            kwargs = {"authenticator": self._authenticate, "auth_required": True,
                      "auth_require_tls": False}
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert.cert, cert.key)
            kwargs["ssl_context" if tls == "ssl" else "tls_context"] = context
        with socket.socket() as sock:  # aiosmtpd cannot start on port 0
            sock.bind(("127.0.0.1", 0))
            free = int(sock.getsockname()[1])
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=free, **kwargs)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            given = (data.login.decode(), data.password.decode())
            if given == self._credentials:
                self._handler.logins.append(given[0])
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def messages(self) -> list[Message]:
        return self._handler.messages

    @property
    def encrypted(self) -> list[bool]:
        return self._handler.encrypted

    @property
    def logins(self) -> list[str]:
        return self._handler.logins

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[Message]:
        """Block until at least `count` messages arrived (mail may be sent in background)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} mails, wanted {count}"
        return self.messages

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._controller.stop()
