"""Routes with their contracts: one decorator declares a responder's body, query, response
and auth, validates the input with pydantic, and feeds the generated OpenAPI document."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import falcon
from attrs import frozen
from pydantic import BaseModel, ValidationError
from social_scale_core.errors import FieldError, ValidationFailed

from social_scale_http import input_guards

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
M = TypeVar("M", bound=BaseModel)


@frozen
class Operation:
    """What one responder takes and gives; read by validation, auth and OpenAPI."""

    summary: str
    tags: tuple[str, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    public: bool = False
    errors: tuple[int, ...] = ()
    produces: str = "application/json"
    also_produces: tuple[str, ...] = ()  # other media types the responder may answer with
    idempotent_key: bool = False
    hidden: bool = False


def operation(summary: str, **spec: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a responder's contract; the wrapper validates and renders around it."""
    op = Operation(summary=summary, **spec)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def responder(self: Any, req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
            input_guards.check_path(params)
            if op.body is not None:
                params["body"] = parse_body(req, op.body)
            if op.query is not None:
                params["query"] = parse_query(req, op.query)
            result = fn(self, req, resp, **params)
            if result is not None:
                if isinstance(result, BaseModel):
                    # JSON written once, by pydantic-core, straight to bytes (issue 17).
                    resp.data = result.__pydantic_serializer__.to_json(result, by_alias=True)
                else:
                    resp.media = result
                resp.status = falcon.code_to_http_status(op.status)

        responder.__operation__ = op  # type: ignore[attr-defined]
        return responder

    return decorate


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Pydantic errors as (dotted camelCase field, message) pairs."""
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        errors.append(FieldError(".".join(loc) or "body", message))
    return errors


MAX_JSON_DEPTH = 32


def json_depth(data: Any) -> int:
    """How deeply arrays and objects nest in `data` (a scalar is 0, `{}` is 1); iterative,
    so no input can exhaust the stack here."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> falcon.HTTPBadRequest:
    return falcon.HTTPBadRequest(
        title="JSON nested too deeply",
        description=f"Objects and arrays may nest at most {MAX_JSON_DEPTH} levels deep.",
        code="json_too_deep",
    )


def _is_json(req: falcon.Request) -> bool:
    media = (req.content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json(req: falcon.Request) -> Any:
    """The JSON body ({} when there is none): 415 unless it is sent as application/json,
    400 if it is not JSON (NaN / Infinity included) or nests deeper than MAX_JSON_DEPTH.
    Every number with a fraction or exponent is read as an exact Decimal from its text:
    money sent as `9.998` is never rounded through a float."""
    raw = req.bounded_stream.read()
    if not raw.strip():
        return {}
    if not _is_json(req):
        # Also stops cross-site "simple" requests (text/plain forms) from reaching us.
        raise falcon.HTTPUnsupportedMediaType(
            title="Unsupported media type",
            description="Send the body as JSON, with Content-Type: application/json.",
            code="unsupported_media_type",
        )
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise falcon.HTTPBadRequest(
            title="Malformed JSON",
            description="The request body is not valid JSON.",
            code="malformed_json",
        ) from exc
    if json_depth(data) > MAX_JSON_DEPTH:
        raise _too_deep()
    return data


def parse_body(req: falcon.Request, model: type[M]) -> M:
    """Validate the JSON body against `model`; 415/400 as `read_json`, 422 if it is wrong."""
    data = read_json(req)
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "must be a JSON object")
    input_guards.check_raw(data)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None
    input_guards.check_model(parsed)
    return parsed


def parse_query(req: falcon.Request, model: type[M]) -> M:
    """Validate the query string against `model` (422 naming each bad parameter)."""
    raw = dict(req.params)
    input_guards.check_raw(raw)
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None
    input_guards.check_model(parsed)
    return parsed


_PARAM = re.compile(r"{(\w+)(?::(\w+))?[^}]*}")


@frozen
class Route:
    method: str
    path: str
    op: Operation

    @property
    def openapi_path(self) -> str:
        return _PARAM.sub(lambda m: "{" + m.group(1) + "}", self.path)

    def path_params(self) -> list[tuple[str, str]]:
        return [(m.group(1), m.group(2) or "str") for m in _PARAM.finditer(self.path)]


class Api:
    """Adds routes to a Falcon app and remembers their contracts."""

    def __init__(self, app: falcon.App[falcon.Request, falcon.Response]) -> None:
        self.app = app
        self.routes: list[Route] = []
        self._public: set[tuple[str, str]] = set()
        self._known: set[tuple[str, str]] = set()

    def route(self, path: str, resource: object, suffix: str | None = None) -> None:
        self.app.add_route(path, resource, suffix=suffix)
        for method in METHODS:
            name = f"on_{method.lower()}" + (f"_{suffix}" if suffix else "")
            responder = getattr(resource, name, None)
            if responder is None:
                continue
            op = getattr(responder, "__operation__", None)
            if op is None:
                raise TypeError(f"{type(resource).__name__}.{name} lacks @operation")
            self.routes.append(Route(method, path, op))
            self._known.add((method, path))
            if op.public:
                self._public.add((method, path))

    def needs_auth(self, method: str, uri_template: str | None) -> bool:
        """False for public routes and for methods the route lacks (those answer 405)."""
        key = (method, uri_template or "")
        return key in self._known and key not in self._public
