"""`/api/v1/auth/...`: register, login, tokens, the admin's own account, password resets.

Throttles key on `client_ip(req)` (`client_address`): the TCP peer, or behind a proxy
listed in FORWARDED_ALLOW_IPS the client that proxy reports.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import falcon
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError
from social_scale_core.auth import accounts, sessions
from social_scale_core.auth.model import SessionTokens, User
from social_scale_core.auth.sessions import AuthPorts
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.client_address import client_ip
from social_scale_http.schemas import ApiModel, OutModel, PublicModel, UtcDateTime

PREFIX = "/api/v1/auth"
# Passwords are taken byte for byte: the model-wide whitespace stripping is switched off.
Password = Annotated[str, StringConstraints(strip_whitespace=False, max_length=1024)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=512)]
TAGS = ("auth",)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _email(value: str) -> str:
    # Deliberately loose: internal domains such as `.local` or `.test` are fine here.
    if not _EMAIL.match(value):
        raise PydanticCustomError("email", "is not a valid email address")
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]


class RegisterBody(PublicModel):
    email: Email
    password: Password
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class LoginBody(PublicModel):
    email: Email
    password: Password


class RefreshBody(PublicModel):
    refresh_token: Secret


class ChangePasswordBody(ApiModel):
    current_password: Password
    new_password: Password


class ForgotPasswordBody(PublicModel):
    email: Email


class ResetPasswordBody(PublicModel):
    token: Secret
    new_password: Password


class UserOut(OutModel):
    id: str
    email: str
    name: str
    role: Literal["SUPER_ADMIN"]
    created_at: UtcDateTime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, email=user.email, name=user.name, role=user.role.value,
                   created_at=user.created_at)


class UserEnvelope(OutModel):
    user: UserOut


class TokensOut(OutModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name
    expires_in: int = Field(description="Seconds until the access token expires")
    user: UserOut

    @classmethod
    def of(cls, tokens: SessionTokens) -> TokensOut:
        return cls(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                   expires_in=tokens.expires_in, user=UserOut.of(tokens.user))


class SessionResource:
    """Public: register, login, refresh. Authenticated: logout."""

    def __init__(self, ports: AuthPorts) -> None:
        self._ports = ports

    @operation("Create the one SUPER_ADMIN (only while none exists)", tags=TAGS,
               body=RegisterBody, response=UserEnvelope, status=201, public=True,
               errors=(403, 409, 429))
    def on_post_register(self, req: falcon.Request, resp: falcon.Response,
                         body: RegisterBody) -> UserEnvelope:
        user = accounts.register(self._ports, body.email, body.password, body.name,
                                 client_ip(req), req.get_header("X-Bootstrap-Token"))
        return UserEnvelope(user=UserOut.of(user))

    @operation("Log in with email and password", tags=TAGS, body=LoginBody,
               response=TokensOut, public=True, errors=(401, 429, 503))
    def on_post_login(self, req: falcon.Request, resp: falcon.Response,
                      body: LoginBody) -> TokensOut:
        return TokensOut.of(sessions.login(self._ports, body.email, body.password,
                                           client_ip(req)))

    @operation("Swap a refresh token for a new pair (the old one is spent)", tags=TAGS,
               body=RefreshBody, response=TokensOut, public=True, errors=(401,))
    def on_post_refresh(self, req: falcon.Request, resp: falcon.Response,
                        body: RefreshBody) -> TokensOut:
        return TokensOut.of(sessions.refresh(self._ports, body.refresh_token))

    @operation("End the session of a refresh token", tags=TAGS, body=RefreshBody,
               status=204)
    def on_post_logout(self, req: falcon.Request, resp: falcon.Response,
                       body: RefreshBody) -> None:
        sessions.logout(self._ports, req.context.principal, body.refresh_token)
        resp.status = falcon.HTTP_204


class AccountResource:
    """The admin's own account and password."""

    def __init__(self, ports: AuthPorts) -> None:
        self._ports = ports

    @operation("The logged-in admin", tags=TAGS, response=UserEnvelope)
    def on_get_me(self, req: falcon.Request, resp: falcon.Response) -> UserEnvelope:
        return UserEnvelope(user=UserOut.of(req.context.principal))

    @operation("Change the password; every other session of the admin ends", tags=TAGS,
               body=ChangePasswordBody, status=204, errors=(429, 503))
    def on_post_change_password(self, req: falcon.Request, resp: falcon.Response,
                                body: ChangePasswordBody) -> None:
        accounts.change_password(self._ports, req.context.principal, body.current_password,
                                 body.new_password, client_ip(req), req.context.session_id)
        resp.status = falcon.HTTP_204

    @operation("Mail a password-reset token (202 whether or not the email is known)",
               tags=TAGS, body=ForgotPasswordBody, status=202, public=True, errors=(429,))
    def on_post_forgot_password(self, req: falcon.Request, resp: falcon.Response,
                                body: ForgotPasswordBody) -> None:
        accounts.forgot_password(self._ports, body.email, client_ip(req))
        resp.status = falcon.HTTP_202

    @operation("Set a new password with a reset token (single use, expires)", tags=TAGS,
               body=ResetPasswordBody, status=204, public=True, errors=(429, 503))
    def on_post_reset_password(self, req: falcon.Request, resp: falcon.Response,
                               body: ResetPasswordBody) -> None:
        accounts.reset_password(self._ports, body.token, body.new_password, client_ip(req))
        resp.status = falcon.HTTP_204


def register(api: Api, container: Container) -> None:
    ports = container.auth()
    session = SessionResource(ports)
    for path, suffix in (("register", "register"), ("login", "login"),
                         ("refresh-token", "refresh"), ("logout", "logout")):
        api.route(f"{PREFIX}/{path}", session, suffix=suffix)
    account = AccountResource(ports)
    for path, suffix in (("me", "me"), ("change-password", "change_password"),
                         ("forgot-password", "forgot_password"),
                         ("reset-password", "reset_password")):
        api.route(f"{PREFIX}/{path}", account, suffix=suffix)
