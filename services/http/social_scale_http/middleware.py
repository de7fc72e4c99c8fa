"""Request id, access log, security headers, body limit and bearer-token authentication."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import falcon
import structlog
from social_scale_core.errors import InvalidToken

from social_scale_http.api import Api
from social_scale_http.client_address import client_ip

log = structlog.get_logger("social_scale.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Production is served over HTTPS (a TLS-terminating proxy in front): browsers keep to it.
HSTS = "max-age=63072000; includeSubDomains"
DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"


class RequestContext:
    """Gives each request an id (or keeps a sane incoming X-Request-ID), sets the security
    headers (HSTS too in production) and logs the request once."""

    def __init__(self, hsts: bool = False) -> None:
        self.hsts = hsts

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        incoming = req.get_header("X-Request-ID") or ""
        req.context.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        req.context.started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=req.context.request_id)

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool
    ) -> None:
        resp.set_header("X-Request-ID", req.context.request_id)
        for name, value in SECURITY_HEADERS.items():
            resp.set_header(name, value)
        if self.hsts:
            resp.set_header("Strict-Transport-Security", HSTS)
        if req.path.startswith("/docs"):
            resp.set_header("Content-Security-Policy", DOCS_CSP)
        csp = getattr(req.context, "csp", None)  # the console's pages set their own
        if csp:
            resp.set_header("Content-Security-Policy", csp)
        if req.path.startswith("/api/"):
            resp.set_header("Cache-Control", "no-store")
        elapsed = (time.perf_counter() - req.context.started) * 1000
        log.info("request", method=req.method, path=req.path, status=resp.status_code,
                 duration_ms=round(elapsed, 2), client=client_ip(req))
        structlog.contextvars.clear_contextvars()


class VaryingCors(falcon.CORSMiddleware):  # type: ignore[type-arg]
    """Falcon's CORS policy, plus `Vary: Origin` on every answer: the CORS headers depend
    on the Origin, so no cache may hand one origin's answer to another."""

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object,
                         req_succeeded: bool) -> None:
        super().process_response(req, resp, resource, req_succeeded)
        resp.append_header("Vary", "Origin")


class BodyLimit:
    """Refuses bodies over the configured size (413) or of unknown length (411) unread."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        length = req.content_length
        if length is None and req.get_header("Transfer-Encoding"):
            # Falcon reads a body without Content-Length as empty: say so instead of
            # answering as if nothing had been sent (and never buffer an unbounded stream).
            raise falcon.HTTPLengthRequired(
                title="Length required",
                description="Send the body with a Content-Length header (no chunked bodies).",
                code="length_required",
            )
        if length is not None and length > self.max_bytes:
            raise falcon.HTTPContentTooLarge(
                title="Body too large",
                description=f"The request body may be at most {self.max_bytes} bytes.",
                code="payload_too_large",
            )


Authenticator = Callable[[str], Any]


class BearerAuth:
    """Every route needs a valid access token unless its @operation says `public`."""

    def __init__(self, api: Api, authenticate: Authenticator) -> None:
        self.api = api
        self.authenticate = authenticate

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, params: dict[str, Any]
    ) -> None:
        if resource is None or req.method == "OPTIONS":
            return
        if not self.api.needs_auth(req.method, req.uri_template):
            return
        header = req.get_header("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("A bearer access token is required.")
        access = self.authenticate(token.strip())
        req.context.principal = access.user
        req.context.session_id = access.session_id
