"""`/api/v1/alerts`: the operator's alerts, and acknowledging one."""

from __future__ import annotations

from collections.abc import Callable

import falcon
from pydantic import Field
from social_scale_core.alerts.model import Alert
from social_scale_core.alerts.raising import AlertPorts, acknowledge, list_alerts
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.schemas import OutModel, Page, PageQuery, UtcDateTime

TAGS = ("alerts",)


class AlertsQuery(PageQuery):
    open: bool = Field(False, description="only alerts whose condition still holds")


class AlertOut(OutModel):
    id: str
    kind: str = Field(description="low_balance, order_unknown, order_failed, order_stalled, "
                                  "sync_stalled, price_change or invoice_overdue")
    subject: str
    message: str
    opened_at: UtcDateTime
    resolved_at: UtcDateTime | None
    acked_at: UtcDateTime | None

    @classmethod
    def of(cls, a: Alert) -> AlertOut:
        return cls(id=a.id, kind=a.kind.value, subject=a.subject, message=a.message,
                   opened_at=a.opened_at, resolved_at=a.resolved_at, acked_at=a.acked_at)


class AlertEnvelope(OutModel):
    alert: AlertOut


class AlertsResource:
    def __init__(self, ports: Callable[[], AlertPorts]) -> None:
        self._ports = ports

    @operation("Operator alerts, newest first", tags=TAGS, query=AlertsQuery,
               response=Page[AlertOut], errors=(401, 422))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: AlertsQuery) -> Page[AlertOut]:
        items, total = list_alerts(self._ports(), query.open, query.limit, query.offset)
        return Page[AlertOut](items=[AlertOut.of(a) for a in items], total=total,
                              limit=query.limit, offset=query.offset)

    @operation("Acknowledge an alert (it stays open while its condition holds)", tags=TAGS,
               response=AlertEnvelope, errors=(401, 404))
    def on_post_ack(self, req: falcon.Request, resp: falcon.Response,
                    alert_id: str) -> AlertEnvelope:
        return AlertEnvelope(alert=AlertOut.of(acknowledge(self._ports(), alert_id)))


def register(api: Api, container: Container) -> None:
    resource = AlertsResource(container.alert_ports)
    api.route("/api/v1/alerts", resource)
    api.route("/api/v1/alerts/{alert_id}/ack", resource, suffix="ack")
