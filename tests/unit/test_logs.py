"""Every logger of a process, stdlib or structlog, writes one redacted JSON object a line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from social_scale_http import logs


@pytest.fixture
def lines(capsys: pytest.CaptureFixture[str]) -> Iterator[list[dict[str, object]]]:
    logs.configure("DEBUG", "json")
    out: list[dict[str, object]] = []
    yield out
    logs.configure("INFO", "json")


def _read(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    text = capsys.readouterr().out
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_stdlib_exception_is_one_line_with_the_traceback_as_one_field(
        lines: list[dict[str, object]], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        raise RuntimeError("the invoice table is locked")
    except RuntimeError:
        logging.getLogger("social_scale.orders").exception(
            "order_accepted_but_not_invoiced", extra={"order_id": "o-1", "api_order_id": 7})
    (entry,) = _read(capsys)
    assert entry["event"] == "order_accepted_but_not_invoiced"
    assert (entry["level"], entry["logger"]) == ("error", "social_scale.orders")
    assert (entry["order_id"], entry["api_order_id"]) == ("o-1", 7)
    assert "RuntimeError: the invoice table is locked" in str(entry["exception"])
    assert str(entry["time"]).endswith("Z")


def test_structlog_lines_carry_the_request_id_and_the_same_fields(
        lines: list[dict[str, object]], capsys: pytest.CaptureFixture[str]) -> None:
    structlog.contextvars.bind_contextvars(request_id="req-42")
    try:
        structlog.get_logger("social_scale.http").info("request", status=200)
        logging.getLogger("gunicorn.error").warning("worker %s booted", 123)
    finally:
        structlog.contextvars.clear_contextvars()
    first, second = _read(capsys)
    assert first | {"time": None} == {"event": "request", "status": 200, "level": "info",
                                      "logger": "social_scale.http", "request_id": "req-42",
                                      "time": None}
    assert second["event"] == "worker 123 booted" and second["request_id"] == "req-42"


def test_secrets_are_redacted_in_fields_messages_and_tracebacks(
        lines: list[dict[str, object]], capsys: pytest.CaptureFixture[str]) -> None:
    structlog.get_logger("x").info("login", password="hunter2", api_key="k-123")
    logging.getLogger("httpx.custom").warning("POST /api/v2 key=sk-live-123&action=add")
    try:
        raise ValueError("Authorization: Bearer eyJhbGciOi.secret.part")
    except ValueError:
        logging.getLogger("y").exception("boom")
    text = json.dumps(_read(capsys))
    for secret in ("hunter2", "k-123", "sk-live-123", "eyJhbGciOi"):
        assert secret not in text
    assert text.count("[REDACTED]") >= 4


def test_the_level_filters_stdlib_and_structlog_alike(
        capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("WARNING", "json")
    try:
        logging.getLogger("a").info("quiet")
        structlog.get_logger("b").info("quiet too")
        logging.getLogger("a").warning("loud")
        assert [e["event"] for e in _read(capsys)] == ["loud"]
    finally:
        logs.configure("INFO", "json")


def test_console_format_is_readable_text(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO", "console")
    try:
        structlog.get_logger("c").info("started", port=3000)
        out = capsys.readouterr().out
    finally:
        logs.configure("INFO", "json")
    assert "started" in out and "port=3000" in out and not out.startswith("{")
