"""The stored catalog's refresh (admin) and its change log."""

from __future__ import annotations

from decimal import Decimal

import falcon
from pydantic import Field
from social_scale_core.panel.catalog import (
    CatalogChange,
    CatalogPorts,
    ChangeKind,
    ChangeQuery,
    list_changes,
    refresh_catalog,
)
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.schemas import OutModel, Page, PageQuery, UtcDateTime

TAGS = ("api-integrations",)
PROVIDER_ERRORS = (401, 502, 503, 504)


class ChangesQuery(PageQuery):
    since: UtcDateTime | None = Field(None, description="detected at or after (ISO 8601)")
    service: int | None = Field(None, ge=1)
    kind: ChangeKind | None = None


class ChangeOut(OutModel):
    id: str
    service: int
    name: str
    kind: str
    field: str | None
    old: str | None
    new: str | None
    percent: str | None = Field(description="rate changes: (new - old) / old, in percent")
    significant: bool = Field(description="a rate rise of at least PRICE_ALERT_PERCENT")
    detected_at: UtcDateTime

    @classmethod
    def of(cls, c: CatalogChange) -> ChangeOut:
        return cls(id=str(c.id), service=c.service_id, name=c.name, kind=c.kind.value,
                   field=c.field, old=c.old, new=c.new, percent=_percent(c.percent),
                   significant=c.significant, detected_at=c.detected_at)


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class RefreshOut(OutModel):
    fetched_at: UtcDateTime
    changes: list[ChangeOut]


class RefreshResource:
    def __init__(self, ports: CatalogPorts) -> None:
        self._ports = ports

    @operation("Refresh the stored catalog from the panel now; the changes it found",
               tags=TAGS, response=RefreshOut, errors=(409, *PROVIDER_ERRORS))
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> RefreshOut:
        result = refresh_catalog(self._ports)
        return RefreshOut(fetched_at=result.fetched_at,
                          changes=[ChangeOut.of(c) for c in result.changes])


class ChangesResource:
    def __init__(self, ports: CatalogPorts) -> None:
        self._ports = ports

    @operation("The catalog's change log, newest first", tags=TAGS, query=ChangesQuery,
               response=Page[ChangeOut], errors=(401, 422))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: ChangesQuery) -> Page[ChangeOut]:
        filters = ChangeQuery(since=query.since, service_id=query.service, kind=query.kind)
        items, total = list_changes(self._ports, filters, query.limit, query.offset)
        return Page[ChangeOut](items=[ChangeOut.of(c) for c in items], total=total,
                               limit=query.limit, offset=query.offset)


def register(api: Api, container: Container) -> None:
    base = "/api/v1/api-integrations/services"
    ports = container.catalog_ports()
    api.route(f"{base}/refresh", RefreshResource(ports))
    api.route(f"{base}/changes", ChangesResource(ports))
