"""The base of every console page: the session gate, CSRF, redirects and error pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import falcon
import structlog
from social_scale_core import errors as e
from social_scale_core.auth.browser import session_user

from social_scale_web.deps import ConsoleDeps
from social_scale_web.forms import Form, read_form
from social_scale_web.session import COOKIE, PRE_COOKIE, Session, Signer, new_pre_value
from social_scale_web.views import Views

log = structlog.get_logger("social_scale.console")
CSP = ("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'")
# Most specific first: what each branch of the core's errors is, to the operator.
STATUS: tuple[tuple[type[e.DomainError], int, str], ...] = (
    (e.NotFound, 404, "Not found"),
    (e.ValidationFailed, 422, "Please check the input"),
    (e.Conflict, 409, "Not possible right now"),
    (e.RateLimited, 429, "Too many attempts"),
    (e.AuthError, 401, "Sign-in needed"),
    (e.ProviderError, 502, "The panel did not do it"),
    (e.DomainError, 400, "Not possible"),
)


def see_other(location: str) -> falcon.HTTPSeeOther:
    return falcon.HTTPSeeOther(location)


def _guard(fn: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(fn)
    def responder(self: Page, req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
        try:
            fn(self, req, resp, **params)
        except e.DomainError as exc:
            self.error_page(req, resp, exc)
    return responder


class Page:
    """A console resource: signed-in only unless `public`; its responders' domain errors
    become an error page that says what happened (never a stack trace)."""

    public = False

    def __init__(self, deps: ConsoleDeps, views: Views) -> None:
        self.deps = deps
        self.views = views

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name.startswith("on_") and callable(value):
                setattr(cls, name, _guard(value))

    def render(self, req: falcon.Request, resp: falcon.Response, template: str,
               status: int = 200, **context: Any) -> None:
        self.views.render(req, resp, template, status, **context)

    def form(self, req: falcon.Request) -> Form:
        return Form(req.context.form)

    def error_page(self, req: falcon.Request, resp: falcon.Response, exc: e.DomainError) -> None:
        status, title = next((s, t) for kind, s, t in STATUS if isinstance(exc, kind))
        if isinstance(exc, e.RateLimited):
            resp.set_header("Retry-After", str(exc.retry_after))
        log.info("console_error", code=exc.code, status=status)
        self.render(req, resp, "error.html", status, title=title,
                    detail=exc.detail or title, code=exc.code)


class ConsoleGate:
    """Middleware for console pages: finds the session, checks CSRF on every POST,
    sends the signed-out to the sign-in page, and keeps the idle clock running."""

    def __init__(self, deps: ConsoleDeps, views: Views) -> None:
        self.deps = deps
        self.views = views
        self.signer = Signer(deps.secret)

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        if not isinstance(resource, Page):
            return
        req.context.csp = CSP
        req.context.gate = self
        session = self._session(req)
        req.context.console = session
        binding = self._binding(req, resp, session)
        req.context.csrf = self.signer.csrf(binding)
        if req.method == "POST":
            req.context.form = read_form(req)
            token = (req.context.form.get("csrf") or [""])[-1]
            if not self.signer.csrf_ok(binding, token):
                self._refuse(req, resp)
                return
        if session is None and not resource.public:
            target = req.relative_uri if req.method == "GET" else "/"
            raise see_other("/login?next=" + quote(target, safe=""))

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        session: Session | None = getattr(req.context, "console", None)
        if session is None or getattr(req.context, "signed_out", False):
            return
        if isinstance(resource, Page):
            self.set_session_cookie(resp, session.secret)
            resp.set_header("Cache-Control", "no-store")

    def set_session_cookie(self, resp: falcon.Response, secret: str) -> None:
        resp.set_cookie(COOKIE, self.signer.cookie(secret, self.deps.clock.now()), path="/",
                        http_only=True, secure=self.deps.production, same_site="Strict")

    def _session(self, req: falcon.Request) -> Session | None:
        secret = self.signer.open_cookie(req.cookies.get(COOKIE), self.deps.clock.now(),
                                         self.deps.idle_timeout)
        if secret is None:
            return None
        try:
            user, token = session_user(self.deps.auth, secret)
        except e.InvalidToken:
            return None
        return Session(user, token, secret, self.signer.csrf("s:" + token.id))

    def _binding(self, req: falcon.Request, resp: falcon.Response,
                 session: Session | None) -> str:
        if session is not None:
            return "s:" + session.token.id
        pre = req.cookies.get(PRE_COOKIE)
        if not pre or len(pre) > 64:
            pre = new_pre_value()
            resp.set_cookie(PRE_COOKIE, pre, path="/", http_only=True,
                            secure=self.deps.production, same_site="Strict")
        return "pre:" + pre

    def _refuse(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.views.render(req, resp, "error.html", 403, title="This form has expired",
                          detail="The page was open too long or you signed in elsewhere. "
                                 "Go back, reload the page and send the form again.",
                          code="csrf_failed")
        resp.complete = True
