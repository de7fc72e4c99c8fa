"""Every error as RFC 9457 problem+json: domain errors by class, Falcon's own, and the rest."""

from __future__ import annotations

import json
import re
from typing import Any

import falcon
import structlog
from social_scale_core import errors as e

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("social_scale.errors")

# Most specific class wins (Falcon resolves handlers along the exception's MRO).
STATUS: dict[type[e.DomainError], tuple[int, str]] = {
    e.DomainError: (400, "Bad request"),
    e.ValidationFailed: (422, "Invalid input"),
    e.NotFound: (404, "Not found"),
    e.Conflict: (409, "Conflict"),
    e.AuthError: (401, "Not authenticated"),
    e.RateLimited: (429, "Too many requests"),
    e.Forbidden: (403, "Forbidden"),
    e.Overloaded: (503, "Busy"),
    e.StorageUnavailable: (503, "Database unavailable"),
    e.ProviderError: (502, "Provider error"),
    e.ProviderRejected: (502, "Provider rejected the request"),
    e.ProviderBadResponse: (502, "Provider error"),
    e.ProviderUnavailable: (503, "Provider unavailable"),
    e.PanelBusy: (503, "Panel busy"),
    e.ProviderTimeout: (504, "Provider timeout"),
    e.ProviderOutcomeUnknown: (504, "Provider timeout"),
}


def problem(
    status: int, title: str, code: str, detail: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://social-scale.dev/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def _write(req: falcon.Request, resp: falcon.Response, body: dict[str, Any]) -> None:
    body.setdefault("requestId", getattr(req.context, "request_id", None))
    resp.status = falcon.code_to_http_status(body["status"])
    resp.content_type = PROBLEM_JSON
    resp.data = json.dumps(body).encode()


def _status_for(ex: e.DomainError) -> tuple[int, str]:
    for cls in type(ex).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400, "Bad request"


def handle_domain(req: falcon.Request, resp: falcon.Response, ex: e.DomainError, _p: Any) -> None:
    status, title = _status_for(ex)
    status = getattr(ex, "http_status", None) or status
    extra: dict[str, Any] = {}
    if isinstance(ex, e.ValidationFailed):
        extra["errors"] = [{"field": f.field, "message": f.message} for f in ex.errors]
    for name, value in getattr(ex, "extra", {}).items():
        extra[name] = value
    retry_after = getattr(ex, "retry_after", None)  # RateLimited, Overloaded, PanelBusy
    if isinstance(retry_after, int):
        resp.set_header("Retry-After", str(retry_after))
    if isinstance(ex, e.AuthError):
        resp.set_header("WWW-Authenticate", 'Bearer realm="social-scale"')
    _write(req, resp, problem(status, title, ex.code, ex.detail or None, **extra))


def serialize_http_error(req: falcon.Request, resp: falcon.Response, ex: falcon.HTTPError) -> None:
    """Falcon's own errors (404 route, 405, 413, malformed JSON...) as problem+json."""
    status = ex.status_code
    code = ex.code or _default_code(status)
    if ex.headers:
        resp.set_headers(ex.headers)
    title = re.sub(r"^\d{3} ", "", ex.title or "Error")
    _write(req, resp, problem(status, title, str(code), ex.description))


def _default_code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 404: "not_found",
            405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
            429: "rate_limited"}.get(status, "http_error")


def handle_unexpected(req: falcon.Request, resp: falcon.Response, ex: Exception, _p: Any) -> None:
    """Anything unforeseen: logged with its trace, answered 500 without any detail."""
    if isinstance(ex, falcon.HTTPError):
        serialize_http_error(req, resp, ex)
        return
    log.exception("unhandled_error", path=req.path, method=req.method)
    _write(req, resp, problem(500, "Internal error", "internal_error",
                              "Something went wrong on our side; the request id identifies it."))


def install(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, lambda req, resp, ex, p: serialize_http_error(
        req, resp, ex))
    for cls in STATUS:
        app.add_error_handler(cls, handle_domain)
    app.set_error_serializer(serialize_http_error)
