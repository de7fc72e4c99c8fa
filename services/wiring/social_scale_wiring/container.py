"""The dependency-injector container: adapters as singletons, use cases as factories."""

from __future__ import annotations

from dependency_injector import containers, providers
from social_scale_adapters.db.data_versions import SqlDataVersions
from social_scale_adapters.db.engine import make_engine, make_read_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_adapters.tasks import ThreadTasks
from social_scale_core.alerts.raising import AlertPorts
from social_scale_core.auth.sessions import AuthPorts
from social_scale_core.clock import SystemClock
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.delivery.deps import DeliveryPorts
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.mass import MassPorts
from social_scale_core.panel.catalog import CatalogPorts, StoredCatalog
from social_scale_core.panel.provider_record import ensure_provider
from social_scale_core.rate_limit import RateRule

from social_scale_wiring.alert_wiring import (
    CatalogChangeFeed,
    alert_recipients,
    build_notifier,
    build_thresholds,
    mail_domain,
)
from social_scale_wiring.auth_wiring import (
    build_auth_mailer,
    build_auth_policy,
    build_password_hasher,
    build_token_codec,
)
from social_scale_wiring.delivery_wiring import build_delivery_settings, build_transport
from social_scale_wiring.invoice_policy import build_invoice_policy, build_invoice_renderer
from social_scale_wiring.panel_metrics import MetricsObserver
from social_scale_wiring.provider_wiring import (
    build_budget,
    build_integration_log,
    build_provider,
    build_provider_config,
    build_simulator,
)
from social_scale_wiring.settings import Settings


class Container(containers.DeclarativeContainer):
    """Everything the app needs; tests override providers (e.g. `settings`, `clock`)."""

    settings = providers.Singleton(Settings)
    clock = providers.Singleton(SystemClock)

    engine = providers.Singleton(
        make_engine, url=settings.provided.database_url, pool_size=settings.provided.db_pool_size
    )
    sessions = providers.Singleton(make_session_factory, engine)
    uow = providers.Factory(SqlUnitOfWork, sessions)
    # Units that only read (the session check, order lists): no transaction on PostgreSQL.
    read_engine = providers.Singleton(make_read_engine, engine)
    read_sessions = providers.Singleton(make_session_factory, read_engine)
    reads = providers.Factory(SqlUnitOfWork, read_sessions)
    # Units whose whole work is one statement (the integration log's row, and its purge):
    # autocommit as well, since one statement is atomic by itself. A placement saves the
    # BEGIN and COMMIT round trips of its panel call's log entry.
    single_statements = providers.Factory(SqlUnitOfWork, read_sessions)
    # The version counters conditional GETs are tagged with (issue 17 item 3): read in
    # autocommit too (the fold is one statement, atomic on its own).
    data_versions = providers.Singleton(SqlDataVersions, read_engine)
    invoice_policy = providers.Singleton(build_invoice_policy, settings)
    invoice_renderer = providers.Singleton(
        build_invoice_renderer, settings, zone=invoice_policy.provided.timezone)

    password_hasher = providers.Singleton(build_password_hasher, settings)
    # Work handed off by requests (the forgot-password lookup and mail), so that a request
    # takes the same time whatever it would have found.
    auth_tasks = providers.Singleton(ThreadTasks, workers=2, name="auth")
    token_codec = providers.Singleton(build_token_codec, settings)
    mailer = providers.Singleton(build_auth_mailer, settings)
    auth_policy = providers.Singleton(build_auth_policy, settings)
    auth = providers.Factory(
        AuthPorts, uow=uow.provider, hasher=password_hasher, codec=token_codec,
        mailer=mailer, clock=clock, policy=auth_policy, background=auth_tasks,
        reads=reads.provider,
    )

    # The Fampage panel: the integration log listens to every call; in sandbox mode the
    # client talks to `simulator` in-process. `provider_id()` ensures the providers row once.
    integration_log = providers.Singleton(
        build_integration_log, uow=single_statements.provider, clock=clock, settings=settings
    )
    simulator = providers.Singleton(build_simulator, settings)
    # Metrics count each call, then hand it on to the integration log (issue 6).
    call_observer = providers.Singleton(MetricsObserver, inner=integration_log)
    # Every process shares PANEL_CALLS_PER_MINUTE through the database (issue 17); each
    # take is one upsert, sent in autocommit (no BEGIN / COMMIT round trips).
    panel_budget = providers.Singleton(build_budget, settings, read_engine)
    provider = providers.Singleton(
        build_provider, settings=settings, observer=call_observer, simulator=simulator.provider,
        budget=panel_budget,
    )
    # The catalog lives in the database (issue 15): only its refresher asks the panel.
    catalog_ports = providers.Singleton(
        CatalogPorts, uow=uow.provider, provider=provider, clock=clock,
        refresh_every=settings.provided.catalog_refresh, reads=reads.provider,
        alert_percent=settings.provided.price_alert_percent,
    )
    catalog = providers.Singleton(StoredCatalog, catalog_ports)
    provider_config = providers.Singleton(build_provider_config, settings)
    provider_id = providers.ThreadSafeSingleton(
        ensure_provider, uow.provider, provider_config, clock
    )

    # Companies and orders (issue 4).
    company_create_rule = providers.Singleton(
        RateRule, limit=settings.provided.company_create_limit_per_hour, window_seconds=3600
    )
    company_ports = providers.Factory(
        CompanyPorts, uow=uow.provider, clock=clock, create_rule=company_create_rule
    )
    order_ports = providers.Factory(
        OrderPorts, uow=uow.provider, provider=provider, catalog=catalog, clock=clock,
        invoice_policy=invoice_policy, provider_id=provider_id, reads=reads.provider,
    )
    # Mass orders (issue 15): lines placed MASS_ORDER_CONCURRENCY at a time.
    mass_ports = providers.Factory(
        MassPorts, orders=order_ports, batches=uow.provider,
        concurrency=settings.provided.mass_order_concurrency,
    )

    # Invoice delivery through the outbox, reminders and alerts (issue 16).
    mail_transport = providers.Singleton(build_transport, mailer)
    delivery_settings = providers.Singleton(build_delivery_settings, settings, invoice_policy)
    delivery_ports = providers.Factory(
        DeliveryPorts, uow=uow.provider, clock=clock, transport=mail_transport,
        renderer=invoice_renderer, settings=delivery_settings,
    )
    price_changes = providers.Singleton(CatalogChangeFeed, catalog_ports)
    alert_notifier = providers.Singleton(build_notifier, settings)
    alert_ports = providers.Factory(
        AlertPorts, uow=uow.provider, clock=clock, balance=provider.provided.balance,
        prices=price_changes, notifier=alert_notifier,
        thresholds=providers.Factory(build_thresholds, settings),
        recipients=providers.Factory(alert_recipients, settings),
        mail_domain=providers.Factory(mail_domain, settings),
    )
