"""Every route of the service, registered on the Api (and so in the OpenAPI document)."""

from __future__ import annotations

from functools import cache
from typing import Any

from social_scale_wiring.container import Container
from social_scale_wiring.sync_config import runs_in_serve, sync_settings

from social_scale_http.api import Api
from social_scale_http.metrics import metrics_resource
from social_scale_http.openapi import build_openapi
from social_scale_http.readiness import Readiness
from social_scale_http.resources import (
    alerts,
    analytics,
    catalog,
    companies,
    integrations,
    invoice_delivery,
    invoice_register,
    invoices,
    orders,
)
from social_scale_http.resources import auth as auth_resources
from social_scale_http.resources.docs import DocsResource, OpenApiResource
from social_scale_http.resources.health import HealthResource

API_VERSION = "1.0.0"


def register(api: Api, container: Container) -> None:
    settings = container.settings()
    engine = container.engine()
    probe = Readiness(engine, container.uow, container.clock(),
                      sync_settings(settings), runs_in_serve(settings))
    health = HealthResource(probe, sandbox=settings.sandbox)
    api.route("/health/live", health, suffix="live")
    api.route("/health/ready", health, suffix="ready")
    auth_resources.register(api, container)
    integrations.register(api, container)
    invoice_register.register(api, container)
    catalog.register(api, container)
    invoices.register(api, container)
    invoice_delivery.register(api, container)
    companies.register(api, container)
    orders.register(api, container)
    analytics.register(api, container)
    alerts.register(api, container)
    api.route("/metrics", metrics_resource(container))

    @cache
    def document() -> dict[str, Any]:
        return build_openapi(api, title="Social Scale API", version=API_VERSION)

    api.route("/openapi.json", OpenApiResource(document))
    docs = DocsResource()
    api.route("/docs", docs)
    api.route("/docs/assets/{name}", docs, suffix="asset")
