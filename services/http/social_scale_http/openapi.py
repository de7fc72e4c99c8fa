"""The OpenAPI 3.1 document, generated from the registered routes and their pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from social_scale_http.api import Api, Operation, Route
from social_scale_http.conditional import scope_for
from social_scale_http.schemas import Problem

REF = "#/components/schemas/{model}"
_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
           409: "Conflict", 413: "Body too large", 415: "Unsupported media type",
           422: "Invalid input", 429: "Too many requests",
           502: "Provider error", 503: "Provider unavailable", 504: "Provider timeout"}

ETAG = {"description": "Weak tag of the answer: changes with every committed write to the "
        "data it shows, on every instance (send it back as If-None-Match)",
        "schema": {"type": "string", "example": 'W/"3f2a9c0e5b7d41e6a8c2f0d9e1b4a7c3"'}}
IF_NONE_MATCH = {
    "name": "If-None-Match", "in": "header", "required": False,
    "description": "ETags from earlier answers (RFC 9110: a list, W/ or not, or *): 304 "
                   "when one is current; a malformed value is ignored",
    "schema": {"type": "string"},
}


class _Schemas:
    """Collects the models of every operation and generates their schemas in ONE pydantic
    pass, so that two models sharing a class name (or differing between input and output)
    get distinct component names instead of overwriting each other."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}
        self._wanted: dict[tuple[int, str], tuple[Any, dict[str, Any]]] = {}

    def ref(self, model: Any, mode: str) -> dict[str, Any]:
        """A placeholder for the model's schema, filled in by `resolve`."""
        key = (id(model), mode)
        if key not in self._wanted:
            self._wanted[key] = (model, {})
        return self._wanted[key][1]

    def resolve(self) -> None:
        inputs = [(key, key[1], TypeAdapter(model))
                  for key, (model, _slot) in self._wanted.items()]
        schemas, definitions = TypeAdapter.json_schemas(
            inputs, by_alias=True, ref_template=REF,  # type: ignore[arg-type]
            schema_generator=GenerateJsonSchema,
        )
        self.components.update(definitions.get("$defs", {}))
        for (key, _mode), schema in schemas.items():
            self._wanted[key][1].update(schema)


def _query_params(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _success(op: Operation, schemas: _Schemas) -> dict[str, Any]:
    if op.status == 204 or op.response is None:
        return {"description": "Done"}
    if op.produces == "application/json":
        content = {"application/json": {"schema": schemas.ref(op.response, "serialization")}}
    else:
        content = {op.produces: {"schema": {"type": "string", "format": "binary"}}}
    for other in op.also_produces:  # e.g. CSV for ?format=csv
        content[other] = {"schema": {"type": "string"}}
    return {"description": "OK", "content": content}


def _operation(route: Route, schemas: _Schemas) -> dict[str, Any]:
    op = route.op
    out: dict[str, Any] = {"summary": op.summary, "tags": list(op.tags) or ["misc"]}
    out["operationId"] = f"{route.method.lower()}_{route.openapi_path}".replace("/", "_")
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer"} if conv == "int" else {"type": "string"}}
        for name, conv in route.path_params()
    ]
    if op.query is not None:
        params += _query_params(op.query)
    if op.idempotent_key:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "maxLength": 255}})
    conditional = route.method == "GET" and not op.public and scope_for(route.path) is not None
    if conditional:
        params.append(IF_NONE_MATCH)
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": schemas.ref(op.body, "validation")}}}
    out["responses"] = _responses(op, schemas, conditional)
    if not op.public:
        out["security"] = [{"bearerAuth": []}]
    return out


def _responses(op: Operation, schemas: _Schemas, conditional: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {str(op.status): _success(op, schemas)}
    codes = set(op.errors) | {400, 413} | ({422} if op.body or op.query else set())
    if op.body is not None:
        codes.add(415)  # a body sent as anything but application/json
    if not op.public:
        codes.add(401)
    problem = {"application/problem+json": {"schema": schemas.ref(Problem, "serialization")}}
    for code in sorted(codes):
        responses[str(code)] = {"description": _TITLES.get(code, "Error"), "content": problem}
    # gunicorn refuses an over-long request line itself, with its own HTML page.
    responses["414"] = {"description": "URI too long (refused before the app sees it)",
                        "content": {"text/html": {"schema": {"type": "string"}}}}
    if conditional:
        responses[str(op.status)]["headers"] = {"ETag": ETAG}
        responses["304"] = {"description": "Not modified: the If-None-Match tag is current "
                            "(no body)", "headers": {"ETag": ETAG}}
    return responses


def build_openapi(api: Api, *, title: str, version: str) -> dict[str, Any]:
    schemas = _Schemas()
    schemas.ref(Problem, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    for route in (r for r in api.routes if not r.op.hidden):
        paths.setdefault(route.openapi_path, {})[route.method.lower()] = _operation(route, schemas)
    schemas.resolve()
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"}},
        },
    }
