"""The one panel we use (Fampage), kept as a database row created from configuration."""

from __future__ import annotations

import uuid

from social_scale_core.clock import Clock
from social_scale_core.panel.ports import IntegrationsUowFactory
from social_scale_core.panel.records import ProviderConfig, ProviderRecord


def ensure_provider(uow_factory: IntegrationsUowFactory, config: ProviderConfig,
                    clock: Clock) -> str:
    """Create or update the provider row named `config.name`; return its id.

    Idempotent and safe under concurrency: the repository upserts on the unique name, so
    two processes starting together end with one row and the same id.
    """
    with uow_factory() as uow:
        existing = uow.providers.get_by_name(config.name)
        if existing is not None and existing.matches(config):
            return existing.id
        now = clock.now()
        stored = uow.providers.upsert(ProviderRecord(
            id=str(uuid.uuid4()), name=config.name, base_url=config.base_url,
            currency=config.currency, is_sandbox=config.is_sandbox,
            created_at=now, updated_at=now,
        ))
        uow.commit()
        return stored.id
