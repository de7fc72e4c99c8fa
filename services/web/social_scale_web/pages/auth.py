"""Sign-in, the first-run page, sign-out, and the account page."""

from __future__ import annotations

import hmac

import falcon
from social_scale_core.auth import accounts, browser, sessions
from social_scale_core.errors import AuthError, BootstrapRequired, ValidationFailed

from social_scale_web.forms import messages
from social_scale_web.page import Page, see_other
from social_scale_web.session import COOKIE


def client_ip(req: falcon.Request) -> str:
    """The client's address as the app's ClientAddress middleware resolved it for every
    request (FORWARDED_ALLOW_IPS: behind a listed proxy, the client the proxy reports)."""
    return getattr(req.context, "client_ip", None) or req.remote_addr or "unknown"


def safe_next(value: str | None) -> str:
    """Only a path of this site (never `//host` or a scheme): open redirects are refused."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def admin_exists(page: Page) -> bool:
    with page.deps.auth.uow() as uow:
        return bool(uow.users.any_exists())


class LoginPage(Page):
    public = True

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if not admin_exists(self):
            raise see_other("/setup")
        if req.context.console is not None:
            raise see_other("/")
        self.render(req, resp, "login.html", next=safe_next(req.get_param("next")))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self.form(req)
        email, password = form.required("email", 254), form.required("password", 1024)
        target = safe_next(form.text("next", 2000))
        try:
            form.check()
            tokens = sessions.login(self.deps.auth, email, password, client_ip(req))
        except (ValidationFailed, AuthError) as exc:
            errors = messages(exc) if isinstance(exc, ValidationFailed) else {}
            self.render(req, resp, "login.html", 422 if errors else 401, errors=errors,
                        failure=None if errors else exc.detail, next=target,
                        form={"email": email})
            return
        req.context.gate.set_session_cookie(resp, tokens.refresh_token)
        raise see_other(target)


class SetupPage(Page):
    """First run: create the one administrator; production also asks for the bootstrap
    token (ADMIN_BOOTSTRAP_TOKEN), so a stranger reaching a fresh install cannot."""

    public = True

    def _token_needed(self) -> bool:
        return (self.deps.production or self.deps.bootstrap_token is not None
                or self.deps.auth.policy.bootstrap_required)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        if admin_exists(self):
            raise see_other("/login")
        self.render(req, resp, "setup.html", token_needed=self._token_needed(),
                    token_configured=self.deps.bootstrap_token is not None)

    def _check_token(self, given: str | None) -> None:
        expected = self.deps.bootstrap_token
        if not self._token_needed():
            return
        if expected is None or not hmac.compare_digest((given or "").encode(), expected.encode()):
            raise ValidationFailed.single("bootstrapToken", "is not the configured token")

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self.form(req)
        name, email = form.required("name", 200), form.required("email", 254)
        password = (form.data.get("password") or [""])[-1]
        try:
            given = form.text("bootstrapToken", 512)
            self._check_token(given)
            form.check()
            try:
                accounts.register(self.deps.auth, email, password, name, client_ip(req), given)
            except BootstrapRequired:
                raise ValidationFailed.single("bootstrapToken",
                                              "is not the configured token") from None
        except ValidationFailed as exc:
            self.render(req, resp, "setup.html", 422, errors=messages(exc),
                        form={"name": name, "email": email},
                        token_needed=self._token_needed(),
                        token_configured=self.deps.bootstrap_token is not None)
            return
        raise see_other("/login?notice=admin-created")


class LogoutPage(Page):
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = req.context.console
        sessions.logout(self.deps.auth, session.user, session.secret)
        end_session(req, resp)
        raise see_other("/login?notice=signed-out")


def end_session(req: falcon.Request, resp: falcon.Response) -> None:
    req.context.signed_out = True
    resp.unset_cookie(COOKIE, path="/")


class AccountPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.render(req, resp, "account.html")

    def on_post_password(self, req: falcon.Request, resp: falcon.Response) -> None:
        form = self.form(req)
        current = (form.data.get("currentPassword") or [""])[-1]
        new = (form.data.get("newPassword") or [""])[-1]
        try:
            if new != (form.data.get("confirmPassword") or [""])[-1]:
                raise ValidationFailed.single("confirmPassword", "does not match the new password")
            accounts.change_password(self.deps.auth, req.context.console.user, current, new,
                                     client_ip(req))
        except ValidationFailed as exc:
            self.render(req, resp, "account.html", 422, errors=messages(exc))
            return
        end_session(req, resp)
        raise see_other("/login?notice=password-changed")

    def on_post_everywhere(self, req: falcon.Request, resp: falcon.Response) -> None:
        browser.sign_out_everywhere(self.deps.auth, req.context.console.user)
        end_session(req, resp)
        raise see_other("/login?notice=signed-out-everywhere")
