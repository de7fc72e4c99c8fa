"""Fuzzing from the OpenAPI document: schemathesis against gunicorn with a valid admin token.

Every documented operation gets generated requests, valid and invalid ones (NUL bytes,
huge numbers, wrong types, missing fields...). Checks: no 5xx, the response's status is
documented, its body matches the documented schema, its content type is the documented one.

The bounded run (default, part of the test command) asks for FUZZ_EXAMPLES=4 examples per
operation and mode, plus schemathesis' coverage cases: ~2,000 requests in ~30 s.
`nox -s fuzz` sets FUZZ_EXAMPLES=100 and FUZZ_MIN_REQUESTS=5000 (the run fails below that);
FUZZ_REPORT names a file for the figures.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from dependency_injector import providers
from falcon import testing
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from social_scale_app.app import create_app
from social_scale_wiring.container import Container

from tests.e2e.panel import admin_client, new_company, private_postgres, serving
from tests.http.conftest import make_settings

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
MIN_REQUESTS = int(os.environ.get("FUZZ_MIN_REQUESTS", "0"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
STATS: dict[str, Any] = {"requests": 0, "statuses": Counter(), "operations": set(),
                         "unauthorized": Counter()}


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """gunicorn (sandbox panel) on a private PostgreSQL database (SQLite if none answers),
    with an admin logged in and a company, so ids in the wild can hit real rows."""
    directory = tmp_path_factory.mktemp("fuzz")
    with private_postgres() as pg_url:
        env = {"DATABASE_URL": pg_url} if pg_url else {}
        with serving(directory, JWT_ACCESS_TOKEN_EXPIRY="12h",
                     COMPANY_CREATE_LIMIT_PER_HOUR="100000", **env) as server:
            base = server.url
            api = admin_client(base)
            new_company(api)
            started = time.monotonic()
            yield {"base": base, "auth": api.headers["Authorization"],
                   "backend": "postgresql" if pg_url else "sqlite"}
            _report(directory, time.monotonic() - started)
            api.close()


def _report(directory: Path, seconds: float) -> None:
    figures = {"requests": STATS["requests"], "operations": len(STATS["operations"]),
               "examples_per_operation": EXAMPLES, "seconds": round(seconds, 1),
               "statuses": dict(sorted(STATS["statuses"].items())),
               "401_by_operation": dict(STATS["unauthorized"].most_common())}
    target = os.environ.get("FUZZ_REPORT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(figures, indent=2))
    (directory / "fuzz-report.json").write_text(json.dumps(figures))


def _document() -> dict[str, Any]:
    """The app's own OpenAPI document, built in-process (the served one is the same:
    tests/http check /openapi.json). Loaded at collection: one test per operation."""
    with tempfile.TemporaryDirectory() as directory:
        container = Container()
        container.settings.override(providers.Object(
            make_settings(f"sqlite:///{directory}/doc.db")))
        document: dict[str, Any] = testing.TestClient(create_app(container)).simulate_get(
            "/openapi.json").json
        container.engine().dispose()
    return document


schema = schemathesis.openapi.from_dict(_document())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
def test_every_operation_against_its_documentation(case: schemathesis.Case,
                                                   fuzz_target: dict[str, Any]) -> None:
    STATS["requests"] += 1
    STATS["operations"].add(case.operation.label)
    response = case.call(base_url=fuzz_target["base"], timeout=60,
                         headers={"Authorization": fuzz_target["auth"]})
    STATS["statuses"][response.status_code] += 1
    if response.status_code == 401:
        STATS["unauthorized"][case.operation.label] += 1
    case.validate_response(response, checks=CHECKS)


DATE_FILTERS = [("/api/v1/orders", "from"), ("/api/v1/orders", "to"),
                ("/api/v1/invoices", "from"), ("/api/v1/invoices", "to"),
                ("/api/v1/analytics", "from"), ("/api/v1/analytics/stats", "to")]


@given(year=st.integers(1, 9999), offset=st.integers(-14, 14), bare=st.booleans(),
       target=st.sampled_from(DATE_FILTERS))
@settings(max_examples=max(EXAMPLES * 10, 20), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_date_filters_of_any_year(fuzz_target: dict[str, Any], year: int, offset: int,
                                  bare: bool, target: tuple[str, str]) -> None:
    """Issue 12: any year in a filter is 200 inside 1970..2100, else 422 naming it."""
    value = f"{year:04d}-01-01" if bare else f"{year:04d}-01-01T00:00:00{offset:+03d}:00"
    path, param = target
    answer = httpx.get(f"{fuzz_target['base']}{path}", params={param: value}, timeout=60,
                       headers={"Authorization": fuzz_target["auth"]})
    if 1970 <= year <= 2100:
        assert answer.status_code == 200, (value, answer.text[:300])
    else:
        assert answer.status_code == 422, (value, answer.text[:300])
        assert [e["field"] for e in answer.json()["errors"]] == [param]


@given(depth=st.integers(1, 3000), content_type=st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain",
     "application/x-www-form-urlencoded", "application/xml"]),
    opener=st.sampled_from(["[", '{"a": ']))
@settings(max_examples=max(EXAMPLES * 10, 20), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_bodies_of_any_depth_and_type(fuzz_target: dict[str, Any], depth: int,
                                      content_type: str, opener: str) -> None:
    """Issue 12: never a 5xx; 415 unless JSON, 400 past 32 levels, else validation."""
    closer = "]" if opener == "[" else "}"
    body = '{"companyId": ' + opener * depth + "1" + closer * depth + "}"
    answer = httpx.post(f"{fuzz_target['base']}/api/v1/orders", content=body, timeout=60,
                        headers={"Authorization": fuzz_target["auth"],
                                 "Content-Type": content_type})
    if not content_type.startswith("application/json"):
        assert answer.status_code == 415, answer.text[:200]
    elif depth + 1 > 32:
        assert answer.status_code == 400 and answer.json()["code"] == "json_too_deep"
    else:
        assert answer.status_code == 422, answer.text[:200]


def test_the_run_was_big_enough(fuzz_target: dict[str, Any]) -> None:
    """Runs after the fuzzing (file order): the full run must reach FUZZ_MIN_REQUESTS."""
    assert STATS["requests"] >= max(MIN_REQUESTS, 1), STATS["requests"]
    assert len(STATS["operations"]) >= 30, sorted(STATS["operations"])
    assert not any(code >= 500 for code in STATS["statuses"]), STATS["statuses"]
