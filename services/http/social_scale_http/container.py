"""The dependency-injector container: adapters as singletons, use cases as factories."""

from __future__ import annotations

from dependency_injector import containers, providers
from social_scale_adapters.db.engine import make_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.clock import SystemClock

from social_scale_http.settings import Settings


class Container(containers.DeclarativeContainer):
    """Everything the app needs; tests override providers (e.g. `settings`, `clock`)."""

    settings = providers.Singleton(Settings)
    clock = providers.Singleton(SystemClock)

    engine = providers.Singleton(
        make_engine, url=settings.provided.database_url, pool_size=10
    )
    sessions = providers.Singleton(make_session_factory, engine)
    uow = providers.Factory(SqlUnitOfWork, sessions)
