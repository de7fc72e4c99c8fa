"""AccessTokenCodec as HS256 JWTs (PyJWT); only HS256 is ever accepted, never `none`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt
from social_scale_core.auth.model import AccessClaims
from social_scale_core.errors import InvalidToken

ALGORITHM = "HS256"
ACCESS_TYP = "access"
_REQUIRED = ["sub", "iat", "exp", "jti", "typ", "sid"]


def _invalid() -> InvalidToken:
    return InvalidToken("Invalid or expired access token.")


class JwtAccessTokenCodec:
    """Signs claims {sub, iat, exp, jti, sid, typ: "access"} with the shared secret.

    Expiry is checked against the injected `now` (not the wall clock), so that tests can
    move time; `iat` in the future is not refused, as clocks of workers may differ a bit.
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the JWT secret must not be empty")
        self._secret = secret

    def encode(self, claims: AccessClaims) -> str:
        payload = {
            "sub": claims.sub, "iat": int(claims.issued_at.timestamp()),
            "exp": int(claims.expires_at.timestamp()), "jti": claims.jti, "sid": claims.sid,
            "typ": ACCESS_TYP,
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def decode(self, token: str, now: datetime) -> AccessClaims:
        payload = self._verified_payload(token)
        if payload.get("typ") != ACCESS_TYP:
            raise _invalid()
        sub, jti, sid = (payload.get(k) for k in ("sub", "jti", "sid"))
        iat, exp = payload.get("iat"), payload.get("exp")
        if not (isinstance(sub, str) and isinstance(jti, str) and isinstance(sid, str)):
            raise _invalid()
        if not (isinstance(iat, int) and isinstance(exp, int)):
            raise _invalid()
        expires_at = datetime.fromtimestamp(exp, UTC)
        if now >= expires_at:
            raise _invalid()
        return AccessClaims(sub=sub, issued_at=datetime.fromtimestamp(iat, UTC),
                            expires_at=expires_at, jti=jti, sid=sid)

    def _verified_payload(self, token: str) -> dict[str, Any]:
        try:
            # One parse gives the header and the payload (the token was parsed twice).
            token_parts: dict[str, Any] = jwt.decode_complete(
                token, self._secret, algorithms=[ALGORITHM],
                options={"require": _REQUIRED, "verify_exp": False, "verify_iat": False,
                         "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise _invalid() from None
        # Belt and braces: PyJWT already refuses algorithms not listed in `algorithms`.
        if token_parts["header"].get("alg") != ALGORITHM:
            raise _invalid()
        payload: dict[str, Any] = token_parts["payload"]
        return payload
