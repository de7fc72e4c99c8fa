"""Fampage integration: the service catalog, the balance and the integration log (admin)."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.companies.ports import CompaniesUowFactory
from social_scale_core.panel.catalog import StoredCatalog
from social_scale_core.panel.integration_log import list_logs
from social_scale_core.panel.integrations import account_balance, browse_services
from social_scale_core.panel.ports import IntegrationsUowFactory
from social_scale_core.panel.provider import Service
from social_scale_core.panel.records import IntegrationLogEntry, LogQuery
from social_scale_core.ports.provider import Provider
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.schemas import (
    OutModel,
    Page,
    PageQuery,
    ProviderMoney,
    QueryModel,
    UtcDateTime,
)

TAGS = ("api-integrations",)
PROVIDER_ERRORS = (401, 502, 503, 504)


class ServicesQuery(QueryModel):
    network: str | None = Field(None, max_length=64, description="e.g. Instagram (any case)")
    company_id: str | None = Field(None, max_length=64, description="logged with the call")


class ServiceOut(OutModel):
    service: int
    name: str
    type: str
    category: str
    network: str
    rate: ProviderMoney = Field(description="price per 1000 units")
    min: int
    max: int
    refill: bool
    cancel: bool
    currency: str

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        return cls(service=s.service_id, name=s.name, type=s.type, category=s.category,
                   network=s.network, rate=s.rate, min=s.min, max=s.max, refill=s.refill,
                   cancel=s.cancel, currency=s.currency)


class NetworkOut(OutModel):
    network: str
    services: list[ServiceOut]


class ServicesOut(OutModel):
    networks: list[NetworkOut]
    total: int
    stale: bool = Field(description="true when the panel is unreachable and this copy is old")
    fetched_at: UtcDateTime


class BalanceOut(OutModel):
    balance: ProviderMoney
    currency: str


class LogsQuery(PageQuery):
    action: str | None = Field(None, max_length=32)
    success: bool | None = None
    company_id: str | None = Field(None, max_length=64)


class LogOut(OutModel):
    id: str
    action: str
    request: dict[str, str]
    response: Any = Field(description="the panel's JSON when it answered JSON, else its text")
    status_code: int | None
    duration_ms: int
    success: bool
    error: str | None
    company_id: str | None
    created_at: UtcDateTime

    @classmethod
    def of(cls, e: IntegrationLogEntry) -> LogOut:
        return cls(id=e.id, action=e.action, request=e.request, response=e.response_data,
                   status_code=e.status_code, duration_ms=e.duration_ms, success=e.success,
                   error=e.error, company_id=e.company_id, created_at=e.created_at)


class ServicesResource:
    def __init__(self, catalog: StoredCatalog, uow_factory: CompaniesUowFactory) -> None:
        self._catalog = catalog
        self._uow_factory = uow_factory

    @operation("Fampage services, grouped by network", tags=TAGS, query=ServicesQuery,
               response=ServicesOut, errors=(404, 422, *PROVIDER_ERRORS))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: ServicesQuery) -> ServicesOut:
        listing = browse_services(self._catalog, self._uow_factory, query.network,
                                  query.company_id or None)
        return ServicesOut(
            networks=[NetworkOut(network=name, services=[ServiceOut.of(s) for s in services])
                      for name, services in listing.networks],
            total=listing.total, stale=listing.snapshot.stale,
            fetched_at=listing.snapshot.fetched_at,
        )


class BalanceResource:
    def __init__(self, provider: Provider) -> None:
        self._provider = provider

    @operation("Fampage account balance", tags=TAGS, response=BalanceOut,
               errors=PROVIDER_ERRORS)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> BalanceOut:
        balance = account_balance(self._provider)
        return BalanceOut(balance=balance.amount, currency=balance.currency)


class LogsResource:
    def __init__(self, uow_factory: IntegrationsUowFactory) -> None:
        self._uow_factory = uow_factory

    @operation("Integration log: every call made to Fampage (key redacted)", tags=TAGS,
               query=LogsQuery, response=Page[LogOut], errors=(401, 422))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: LogsQuery) -> Page[LogOut]:
        filters = LogQuery(action=query.action, success=query.success,
                           company_id=query.company_id)
        items, total = list_logs(self._uow_factory, filters, query.limit, query.offset)
        return Page[LogOut](items=[LogOut.of(e) for e in items], total=total,
                            limit=query.limit, offset=query.offset)


def register(api: Api, container: Container) -> None:
    def uow_factory() -> SqlUnitOfWork:
        return container.uow()

    base = "/api/v1/api-integrations"
    api.route(f"{base}/services", ServicesResource(container.catalog(), uow_factory))
    api.route(f"{base}/balance", BalanceResource(container.provider()))
    api.route(f"{base}/logs", LogsResource(uow_factory))


