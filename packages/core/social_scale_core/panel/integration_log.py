"""The integration log: every panel call kept (key redacted) for debugging and audits."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from social_scale_core.clock import Clock
from social_scale_core.panel.ports import IntegrationsUowFactory
from social_scale_core.panel.provider import ProviderCall
from social_scale_core.panel.provider_context import current_company_id
from social_scale_core.panel.records import IntegrationLogEntry, LogQuery

log = logging.getLogger("social_scale.integration_log")

RESPONSE_CAP = 8000
REDACTED = "[REDACTED]"
SECRET_PARAMS = frozenset({"key", "api_key", "apikey"})
DEFAULT_PURGE_EVERY = timedelta(hours=1)


class Redactor:
    """Removes secrets from what is stored: key parameters and any text containing them."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value

    def params(self, request: dict[str, str]) -> dict[str, str]:
        return {
            name: REDACTED if name.lower() in SECRET_PARAMS else (self.text(str(v)) or "")
            for name, v in request.items()
        }


def truncate(text: str | None, cap: int = RESPONSE_CAP) -> str | None:
    if text is None or len(text) <= cap:
        return text
    return f"{text[:cap]}... [truncated {len(text) - cap} characters]"


def entry_for(call: ProviderCall, company_id: str | None, redactor: Redactor,
              cap: int = RESPONSE_CAP) -> IntegrationLogEntry:
    """The log entry of one call: secrets redacted before the response is cut to `cap`."""
    return IntegrationLogEntry(
        id=str(uuid.uuid4()), action=call.action, request=redactor.params(call.request),
        response=truncate(redactor.text(call.response), cap), status_code=call.status_code,
        duration_ms=max(0, int(call.duration_ms)), success=call.success,
        error=truncate(redactor.text(call.error), cap), company_id=company_id,
        created_at=call.started_at,
    )


class IntegrationLogRecorder:
    """CallObserver that stores each call in its own short transaction.

    Never raises: a storage failure is logged as a warning and the panel call goes on.
    Old entries are purged opportunistically, at most once per `purge_every`. Callers must
    not hold an open write transaction around a panel call: on SQLite it would make this
    separate transaction wait for the lock (busy_timeout) before giving up.
    """

    def __init__(self, uow_factory: IntegrationsUowFactory, clock: Clock, *,
                 retention: timedelta, secrets: Iterable[str] = (),
                 response_cap: int = RESPONSE_CAP,
                 purge_every: timedelta = DEFAULT_PURGE_EVERY) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._retention = retention
        self._redactor = Redactor(secrets)
        self._cap = response_cap
        self._purge_every = purge_every
        self._next_purge: datetime | None = None
        self._lock = threading.Lock()

    def record(self, call: ProviderCall) -> None:
        try:
            entry = entry_for(call, current_company_id(), self._redactor, self._cap)
            with self._uow_factory() as uow:
                uow.integration_logs.add(entry)
                uow.commit()
        except Exception:
            log.warning("integration_log_write_failed", extra={"action": call.action},
                        exc_info=True)
        self._maybe_purge()

    def _maybe_purge(self) -> None:
        now = self._clock.now()
        with self._lock:
            if self._next_purge is not None and now < self._next_purge:
                return
            self._next_purge = now + self._purge_every
        try:
            purge_logs(self._uow_factory, self._clock, self._retention)
        except Exception:
            log.warning("integration_log_purge_failed", exc_info=True)


def purge_logs(uow_factory: IntegrationsUowFactory, clock: Clock, retention: timedelta) -> int:
    """Delete log entries older than `retention`; return how many went."""
    with uow_factory() as uow:
        removed = uow.integration_logs.purge(clock.now() - retention)
        uow.commit()
    return removed


def list_logs(uow_factory: IntegrationsUowFactory, query: LogQuery, limit: int,
              offset: int) -> tuple[list[IntegrationLogEntry], int]:
    """A page of log entries matching `query`, newest first, with the total count."""
    with uow_factory() as uow:
        return uow.integration_logs.list(query, limit, offset)
