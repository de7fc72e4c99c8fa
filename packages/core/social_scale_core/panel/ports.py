"""Storage ports of the panel integration: the provider row and the integration log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from social_scale_core.panel.records import IntegrationLogEntry, LogQuery, ProviderRecord
from social_scale_core.ports.uow import UnitOfWork


class ProviderRepository(Protocol):
    """The provider rows (in practice one: Fampage), unique by name."""

    def get_by_name(self, name: str) -> ProviderRecord | None: ...

    def get(self, provider_id: str) -> ProviderRecord | None: ...

    def upsert(self, record: ProviderRecord) -> ProviderRecord:
        """Insert `record`, or, when a row of that name exists, update its base_url,
        currency, is_sandbox and updated_at, keeping its id and created_at. Atomic (one
        statement), so concurrent callers never create two rows. Returns the stored row."""
        ...


class IntegrationLogRepository(Protocol):
    """Append-only record of panel calls, newest first when listed."""

    def add(self, entry: IntegrationLogEntry) -> None: ...

    def list(
        self, query: LogQuery, limit: int, offset: int
    ) -> tuple[list[IntegrationLogEntry], int]:
        """Entries matching every set field of `query`, newest first; with the total count."""
        ...

    def purge(self, before: datetime) -> int:
        """Delete entries created before `before`; return how many."""
        ...


class IntegrationsUnitOfWork(UnitOfWork, Protocol):
    # Read-only members, so that a UoW holding concrete repositories satisfies them.
    @property
    def providers(self) -> ProviderRepository: ...

    @property
    def integration_logs(self) -> IntegrationLogRepository: ...


IntegrationsUowFactory = Callable[[], IntegrationsUnitOfWork]
