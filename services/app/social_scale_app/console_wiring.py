"""The composition root's share of the console: its collaborators, from the container."""

from __future__ import annotations

import falcon
from social_scale_web.console import mount as mount_console
from social_scale_web.deps import ConsoleDeps
from social_scale_wiring.container import Container


def console_deps(container: Container) -> ConsoleDeps:
    settings = container.settings()
    secret, _ = settings.resolved_jwt_secret()
    bootstrap = getattr(settings, "admin_bootstrap_token", None)  # issue 12's setting
    return ConsoleDeps(
        auth=container.auth(), orders=container.order_ports, companies=container.company_ports(),
        uow=container.uow, catalog=container.catalog(), provider=container.provider(),
        renderer=container.invoice_renderer(), clock=container.clock(),
        invoice_policy=container.invoice_policy(), delivery=container.delivery_ports,
        alerts=container.alert_ports, mass=container.mass_ports,
        catalog_ports=container.catalog_ports(), secret=secret,
        production=settings.is_production, sandbox=settings.sandbox,
        idle_timeout=settings.console_idle_timeout,
        bootstrap_token=bootstrap.get_secret_value() if bootstrap is not None else None,
    )


def mount(app: falcon.App, container: Container) -> None:  # type: ignore[type-arg]
    mount_console(app, console_deps(container))
