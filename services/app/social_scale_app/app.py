"""The Falcon application factory (gunicorn and the tests both call `create_app`)."""

from __future__ import annotations

from typing import Any

import falcon
import structlog
from social_scale_core.auth.sessions import authenticate
from social_scale_http import logs, problems, routes
from social_scale_http.api import Api
from social_scale_http.client_address import ClientAddress, parse_networks
from social_scale_http.conditional import ConditionalGet
from social_scale_http.metrics import HttpMetrics
from social_scale_http.middleware import BearerAuth, BodyLimit, RequestContext, VaryingCors
from social_scale_wiring.container import Container
from social_scale_wiring.invoice_policy import invoice_warnings

from social_scale_app import console_wiring

log = structlog.get_logger("social_scale.app")


class SocialScaleApp(falcon.App):  # type: ignore[type-arg]
    """The Falcon app, carrying its route table (`api`) for tests and tools."""

    api: Api


def create_app(container: Container | None = None) -> SocialScaleApp:
    container = container or Container()
    settings = container.settings()
    settings.check_production()
    logs.configure(settings.log_level, settings.log_format)
    middleware: list[Any] = [
        RequestContext(hsts=settings.is_production),
        ClientAddress(parse_networks(settings.forwarded_allow_ips)),
        HttpMetrics(), BodyLimit(settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(VaryingCors(
            allow_origins=settings.cors_origins,
            expose_headers=["X-Request-ID", "Retry-After", "Content-Disposition"],
        ))
    app = SocialScaleApp(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = True
    problems.install(app)
    api = Api(app)
    routes.register(api, container)
    auth_ports = container.auth()
    app.add_middleware(BearerAuth(api, lambda token: authenticate(auth_ports, token)))
    clock = container.clock()
    app.add_middleware(ConditionalGet(container.data_versions(), clock.now,
                                      routes.API_VERSION))
    console_wiring.mount(app, container)
    app.api = api
    for warning in invoice_warnings(settings):
        log.warning("invoice_settings", message=warning)
    if settings.sandbox:
        log.warning("sandbox_mode", message="FAMPAGE_API_KEY is not set: orders go to the "
                    "built-in Fampage simulator, not to the real panel")
    return app
