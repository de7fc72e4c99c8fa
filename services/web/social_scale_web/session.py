"""Browser sessions: a signed cookie holding the login's refresh token, CSRF tokens.

The cookie is `<refresh secret>.<last seen, epoch seconds>.<HMAC>`; the HMAC covers both
parts, so the idle clock cannot be wound back by the browser. Whether the session is still
alive (not logged out, not revoked by a password change) is asked of the storage on every
request (`social_scale_core.auth.browser.session_user`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from attrs import frozen
from social_scale_core.auth.model import RefreshToken, User

COOKIE = "ss_console"
PRE_COOKIE = "ss_pre"  # binds the CSRF token of the sign-in forms, before any session


@frozen
class Session:
    """The signed-in operator of one request."""

    user: User
    token: RefreshToken
    secret: str
    csrf: str


class Signer:
    """HMAC-SHA256 under a key derived from the service's secret (never the secret itself)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"social-scale console v1|" + secret.encode()).digest()

    def sign(self, purpose: str, value: str) -> str:
        mac = hmac.new(self._key, f"{purpose}|{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:40]

    def cookie(self, refresh_secret: str, now: datetime) -> str:
        body = f"{refresh_secret}.{int(now.timestamp())}"
        return f"{body}.{self.sign('cookie', body)}"

    def open_cookie(self, value: str | None, now: datetime, idle: timedelta) -> str | None:
        """The refresh secret of a genuine cookie not idle longer than `idle`, else None."""
        if not value or value.count(".") != 2:
            return None
        secret, seen, mac = value.split(".")
        # Bytes: compare_digest refuses str with non-ASCII characters (a forged cookie's).
        if not hmac.compare_digest(mac.encode(), self.sign("cookie", f"{secret}.{seen}").encode()):
            return None
        if not seen.isdigit() or now.timestamp() - int(seen) > idle.total_seconds():
            return None
        return secret

    def csrf(self, binding: str) -> str:
        """The CSRF token of forms shown to the holder of `binding` (a session or pre-cookie)."""
        return self.sign("csrf", binding)

    def csrf_ok(self, binding: str | None, token: str | None) -> bool:
        if not binding or not token:
            return False
        return hmac.compare_digest(self.csrf(binding).encode(), token.encode())


def new_pre_value() -> str:
    return secrets.token_urlsafe(24)
