"""Conditional GET over the real app and container: ETag on the stored-data GETs, 304 on a
matching If-None-Match (no body, no responder), and a new tag after every kind of write."""

from __future__ import annotations

from typing import Any

import pytest
from falcon import testing
from social_scale_http.conditional import parse_if_none_match

from tests.http.integration_helpers import admin_headers

ORDERS = "/api/v1/orders"


@pytest.fixture
def admin(client: testing.TestClient) -> dict[str, str]:
    return admin_headers(client)


def get(client: testing.TestClient, path: str, headers: dict[str, str],
        tag: str | None = None, **params: Any) -> testing.Result:
    extra = {"If-None-Match": tag} if tag is not None else {}
    return client.simulate_get(path, headers={**headers, **extra}, params=params or None)


def company(client: testing.TestClient, admin: dict[str, str], name: str = "Acme") -> str:
    made = client.simulate_post("/api/v1/companies", json={"name": name}, headers=admin)
    assert made.status_code == 201, made.text
    return str(made.json["company"]["id"])


def test_a_list_is_tagged_and_a_matching_tag_gets_304_without_a_body(client, admin) -> None:  # type: ignore[no-untyped-def]
    first = get(client, "/api/v1/companies", admin)
    tag = first.headers["etag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    again = get(client, "/api/v1/companies", admin, tag)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    for name in ("cache-control", "vary"):
        assert again.headers.get(name) == first.headers.get(name), name
    # The same tag spelled strong, in a list, with empty elements: still a match (weak
    # comparison, RFC 9110 13.1.2).
    opaque = tag.removeprefix("W/")
    assert get(client, "/api/v1/companies", admin, f'"x", , {opaque}').status_code == 304
    assert get(client, "/api/v1/companies", admin, "*").status_code == 304


def test_a_write_changes_the_tag_of_list_and_detail(client, admin) -> None:  # type: ignore[no-untyped-def]
    cid = company(client, admin)
    detail = f"/api/v1/companies/{cid}"
    list_tag = get(client, "/api/v1/companies", admin).headers["etag"]
    detail_tag = get(client, detail, admin).headers["etag"]
    updated = client.simulate_put(detail, json={"name": "Acme Two"}, headers=admin)
    assert updated.status_code == 200, updated.text
    fresh = get(client, detail, admin, detail_tag)
    assert fresh.status_code == 200 and fresh.json["company"]["name"] == "Acme Two"
    assert fresh.headers["etag"] != detail_tag
    stale_list = get(client, "/api/v1/companies", admin, list_tag)
    assert stale_list.status_code == 200 and stale_list.headers["etag"] != list_tag
    assert client.simulate_delete(detail, headers=admin).status_code in (200, 204)
    after_delete = get(client, "/api/v1/companies", admin, stale_list.headers["etag"])
    assert after_delete.status_code == 200


def test_the_query_and_accept_are_part_of_the_tag(client, admin) -> None:  # type: ignore[no-untyped-def]
    # The first order read records the panel's providers row (a write after the tag was
    # read: that answer's tag is older than its body, and the next one differs).
    get(client, ORDERS, admin)
    a = get(client, ORDERS, admin, limit="5", offset="0").headers["etag"]
    b = get(client, ORDERS, admin, offset="0", limit="5").headers["etag"]
    c = get(client, ORDERS, admin, limit="6").headers["etag"]
    assert a == b != c
    json_tag = get(client, "/api/v1/analytics/stats", admin).headers["etag"]
    csv = client.simulate_get("/api/v1/analytics/stats",
                              headers={**admin, "Accept": "text/csv", "If-None-Match": json_tag})
    assert csv.status_code == 200 and csv.headers["etag"] != json_tag


@pytest.mark.parametrize("value", ['abc', 'W/abc', '"unterminated', 'W/"a" junk', '"a" "b"',
                                   '\x00', 'W/', ',,', '"a",W/b'])
def test_a_malformed_if_none_match_is_ignored(client, admin, value: str) -> None:  # type: ignore[no-untyped-def]
    get(client, ORDERS, admin)
    tag = get(client, ORDERS, admin).headers["etag"]
    answer = get(client, ORDERS, admin, value)
    assert answer.status_code == 200 and answer.headers["etag"] == tag
    assert "items" in answer.json


def test_parse_if_none_match() -> None:
    assert parse_if_none_match(None) is None
    assert parse_if_none_match(" * ") == "*"
    assert parse_if_none_match('W/"a", "b"') == frozenset({"a", "b"})
    assert parse_if_none_match('"a", *') is None  # `*` stands alone
    assert parse_if_none_match('"a"b"') is None


def test_no_tag_without_auth_on_live_panel_calls_or_on_errors(client, admin) -> None:  # type: ignore[no-untyped-def]
    assert "etag" not in client.simulate_get(ORDERS).headers  # 401
    assert "etag" not in client.simulate_get("/health/live").headers
    missing = get(client, "/api/v1/companies/00000000-0000-0000-0000-000000000000", admin)
    assert missing.status_code == 404 and "etag" not in missing.headers
    bad = get(client, ORDERS, admin, limit="nope")
    assert bad.status_code == 422 and "etag" not in bad.headers


def test_the_openapi_document_declares_etag_if_none_match_and_304(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.simulate_get("/openapi.json").json["paths"]
    orders = paths["/api/v1/orders"]["get"]
    assert "If-None-Match" in [p["name"] for p in orders["parameters"]]
    assert "ETag" in orders["responses"]["200"]["headers"]
    assert "ETag" in orders["responses"]["304"]["headers"]
    balance = paths["/api/v1/api-integrations/balance"]["get"]
    assert "304" not in balance["responses"]
    assert "304" not in paths["/api/v1/companies"]["post"]["responses"]
