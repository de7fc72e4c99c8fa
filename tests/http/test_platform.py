"""The HTTP platform: problems, validation, ids, limits, health, OpenAPI and docs."""

from __future__ import annotations

import falcon
import pytest
from falcon import testing
from pydantic import Field
from social_scale_http.api import operation
from social_scale_http.schemas import ApiModel

from tests.http.conftest import assert_problem


class EchoBody(ApiModel):
    quantity: int = Field(ge=1)
    link_url: str


class EchoResource:
    @operation("Echo", body=EchoBody, public=True, status=201)
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: EchoBody) -> dict:
        return {"quantity": body.quantity, "linkUrl": body.link_url}

    @operation("Boom", public=True)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise RuntimeError("secret internals: SELECT * FROM users")


@pytest.fixture
def echo_client(app) -> testing.TestClient:  # type: ignore[no-untyped-def]
    app.api.route("/test/echo", EchoResource())
    return testing.TestClient(app)


def test_liveness_and_readiness(client: testing.TestClient) -> None:
    assert client.simulate_get("/health/live").json == {"status": "ok"}
    ready = client.simulate_get("/health/ready")
    assert ready.status_code == 200
    assert ready.json["database"] == "ok"
    assert ready.json["providerMode"] == "sandbox"
    assert "SANDBOX" in ready.json["warning"]


def test_readiness_reports_a_dead_database(make_container) -> None:  # type: ignore[no-untyped-def]
    from social_scale_app.app import create_app

    container = make_container("sqlite:////nonexistent-dir/x/y.db")
    result = testing.TestClient(create_app(container)).simulate_get("/health/ready")
    assert result.status_code == 503
    assert result.json["database"] == "unavailable"


def test_unknown_route_is_a_problem(client: testing.TestClient) -> None:
    assert_problem(client.simulate_get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_405_not_401(client: testing.TestClient) -> None:
    assert_problem(client.simulate_delete("/health/live"), 405, "method_not_allowed")


def test_valid_body_reaches_the_responder(echo_client: testing.TestClient) -> None:
    result = echo_client.simulate_post("/test/echo", json={"quantity": 3, "linkUrl": "x"})
    assert result.status_code == 201
    assert result.json == {"quantity": 3, "linkUrl": "x"}


def test_malformed_json_is_400(echo_client: testing.TestClient) -> None:
    result = echo_client.simulate_post("/test/echo", body="{not json",
                                       headers={"Content-Type": "application/json"})
    assert_problem(result, 400, "malformed_json")


def test_each_bad_field_is_named(echo_client: testing.TestClient) -> None:
    result = echo_client.simulate_post("/test/echo", json={"quantity": 0, "surprise": 1})
    body = assert_problem(result, 422, "validation_error")
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"quantity", "linkUrl", "surprise"}


def test_a_json_array_is_not_a_body(echo_client: testing.TestClient) -> None:
    body = assert_problem(echo_client.simulate_post("/test/echo", json=[1, 2]), 422,
                          "validation_error")
    assert body["errors"][0]["field"] == "body"


def test_unexpected_errors_hide_their_internals(echo_client: testing.TestClient) -> None:
    result = echo_client.simulate_get("/test/echo")
    body = assert_problem(result, 500, "internal_error")
    assert "SELECT" not in result.text and "secret" not in result.text
    assert body["requestId"] == result.headers["x-request-id"]


def test_request_id_is_kept_or_made(client: testing.TestClient) -> None:
    kept = client.simulate_get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    made = client.simulate_get("/health/live", headers={"X-Request-ID": "bad id\n<script>"})
    assert len(made.headers["x-request-id"]) == 32


def test_security_headers(client: testing.TestClient) -> None:
    headers = client.simulate_get("/health/live").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_body_over_the_limit_is_413(make_container) -> None:  # type: ignore[no-untyped-def]
    from social_scale_app.app import create_app

    app = create_app(make_container(max_body_bytes=2048))
    app.api.route("/test/echo", EchoResource())
    result = testing.TestClient(app).simulate_post("/test/echo", body="x" * 5000)
    assert_problem(result, 413, "payload_too_large")


def test_cors_allows_only_configured_origins(make_container) -> None:  # type: ignore[no-untyped-def]
    from social_scale_app.app import create_app

    client = testing.TestClient(create_app(make_container(cors_origins="https://ops.example")))
    ok = client.simulate_get("/health/live", headers={"Origin": "https://ops.example"})
    assert ok.headers.get("access-control-allow-origin") == "https://ops.example"
    other = client.simulate_get("/health/live", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_openapi_document_lists_routes_with_models(client: testing.TestClient) -> None:
    doc = client.simulate_get("/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    assert "/health/ready" in doc["paths"]
    assert "/openapi.json" not in doc["paths"]
    ready = doc["paths"]["/health/ready"]["get"]
    ref = ready["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "providerMode" in schema["properties"]
    assert "Problem" in doc["components"]["schemas"]


def test_docs_page_and_its_local_assets(client: testing.TestClient) -> None:
    page = client.simulate_get("/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    asset = client.simulate_get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    assert client.simulate_get("/docs/assets/..%2Fsecret").status_code == 404
