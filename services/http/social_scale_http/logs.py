"""Logs of every process: one JSON object per line (or coloured console lines), secrets
redacted, with the request id where there is one.

structlog loggers and stdlib loggers (the core's, gunicorn's, alembic's, libraries') all end
in one `structlog.stdlib.ProcessorFormatter` on the root logger, so each line carries the
same fields: `time`, `level`, `logger`, `event`, `request_id` and `exception` (one field).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any, Literal

import structlog
from structlog.typing import Processor

_SECRET_KEYS = re.compile(r"pass(word)?|secret|token|api_?key|^key$|authorization", re.I)
# Secrets that slip into a message or a traceback as text (`key=...`, `Bearer ...`).
_SECRET_TEXT = re.compile(
    r"(?i)((?:api_?key|\bkey|password|secret|token|authorization)[\"']?\s*[:=]\s*[\"']?"
    r"(?:bearer\s+)?)[^\s\"'&,}]+|(bearer\s+)[A-Za-z0-9._~+/=-]+")
LogFormat = Literal["json", "console"]
FORMAT_ENV = "LOG_FORMAT"
LEVEL_ENV = "LOG_LEVEL"


def _mask(text: str) -> str:
    return _SECRET_TEXT.sub(lambda m: (m.group(1) or m.group(2)) + "[REDACTED]", text)


def redact(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Blank every field whose name says it holds a secret; mask secrets inside text."""
    for key in list(event):
        value = event[key]
        if key != "event" and _SECRET_KEYS.search(key):
            event[key] = "[REDACTED]"
        elif isinstance(value, str):
            event[key] = _mask(value)
    return event


def _shared(fmt: LogFormat) -> list[Processor]:
    processors: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.ExtraAdder(),  # a stdlib record's `extra={...}` become fields
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    ]
    if fmt == "json":
        # One field, one line: the traceback as text under `exception`.
        processors.append(structlog.processors.format_exc_info)
    return processors


def _level(level: str) -> int:
    numeric = logging.getLevelName(level.upper())
    return numeric if isinstance(numeric, int) else logging.INFO


def handler(fmt: LogFormat = "json") -> logging.Handler:
    """A stdout handler rendering any record (stdlib or structlog) as one line."""
    renderer: Processor = (structlog.processors.JSONRenderer() if fmt == "json"
                           else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty()))
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared(fmt)],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            redact,
            renderer,
        ],
    )
    out = _Stdout()
    out.setFormatter(formatter)
    return out


class _Stdout(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stdout` is at the time of each record."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure(level: str | None = None, fmt: str | None = None) -> None:
    """Route every logger of this process through one formatter (idempotent).

    `level`/`fmt` default to LOG_LEVEL/LOG_FORMAT from the environment, so a process can
    log correctly before its settings are read."""
    level = level or os.environ.get(LEVEL_ENV, "INFO")
    chosen: LogFormat = "console" if (fmt or os.environ.get(FORMAT_ENV, "json")) == "console" \
        else "json"
    numeric = _level(level)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(chosen))
    root.setLevel(numeric)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per panel call is noise
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            *_shared(chosen),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
