"""Use cases of browser sessions: the console holds a login's refresh token in a cookie.

The console never rotates that token: it is the session's key. Each request looks the
token up and accepts it only while it is unrevoked and unexpired, so logout (its family
revoked), a password change or "sign out everywhere" (every token of the user revoked)
end the browser session at its next request, as they end the API's sessions.
"""

from __future__ import annotations

from social_scale_core.auth.model import RefreshToken, User
from social_scale_core.auth.policy import secret_hash
from social_scale_core.auth.sessions import AuthPorts, check_access
from social_scale_core.errors import InvalidToken


def session_user(ports: AuthPorts, refresh_secret: str) -> tuple[User, RefreshToken]:
    """The user and token of a live browser session; InvalidToken when the token is
    unknown, expired, spent, revoked (its family or all of the user's) or its user gone."""
    now = ports.clock.now()
    with ports.uow() as uow:
        stored = uow.refresh_tokens.by_hash(secret_hash(refresh_secret))
        user = uow.users.get(stored.user_id) if stored is not None else None
    if stored is None or user is None or not stored.is_live(now):
        raise InvalidToken("The session has ended; sign in again.")
    # The same check as every API access token: the session (family) is not revoked.
    try:
        return check_access(ports, stored.user_id, stored.family_id), stored
    except InvalidToken:
        raise InvalidToken("The session has ended; sign in again.") from None


def sign_out_everywhere(ports: AuthPorts, user: User) -> int:
    """Revoke every refresh token of `user`: every API and browser session ends.
    Returns how many tokens were revoked."""
    now = ports.clock.now()
    with ports.uow() as uow:
        count = uow.refresh_tokens.revoke_all_for_user(user.id, now)
        uow.commit()
    return count
