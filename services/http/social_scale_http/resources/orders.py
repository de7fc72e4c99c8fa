"""`/api/v1/orders` (admin): record, list, read, stats, per company, status and stats fixes."""

from __future__ import annotations

import falcon
from social_scale_core.orders import admin
from social_scale_core.orders.admin import StatsChange
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.resources.mass_orders import MassOrdersResource
from social_scale_http.resources.order_schemas import (
    ManualOrderBody,
    OrderEnvelope,
    OrderFilters,
    OrderOut,
    OrdersQuery,
    StatsBody,
    StatsOut,
    StatusBody,
)
from social_scale_http.resources.panel_orders import (
    PanelOrderResource,
    PanelOrdersResource,
    Ports,
    idempotency_key,
)
from social_scale_http.schemas import Page

TAGS = ("orders",)


class OrdersResource:
    def __init__(self, ports: Ports) -> None:
        self._ports = ports

    @operation("Record an order placed outside the API (takes its apiOrderId)", tags=TAGS,
               body=ManualOrderBody, response=OrderEnvelope, status=201, idempotent_key=True,
               errors=(409, 422, 502, 503))
    def on_post(self, req: falcon.Request, resp: falcon.Response,
                body: ManualOrderBody) -> OrderEnvelope:
        order = admin.record_manual_order(self._ports(), body.draft(), body.api_order_id,
                                          idempotency_key(req))
        return OrderEnvelope(order=OrderOut.of(order))

    @operation("List orders (filters, sorting, pages)", tags=TAGS, query=OrdersQuery,
               response=Page[OrderOut])
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: OrdersQuery) -> Page[OrderOut]:
        items, total = admin.list_orders(self._ports(), query.filters(query.sort),
                                         query.limit, query.offset)
        return Page[OrderOut](items=[OrderOut.of(o) for o in items], total=total,
                              limit=query.limit, offset=query.offset)

    @operation("Order statistics: counts by status, cost and charge per currency and network",
               tags=TAGS, query=OrderFilters, response=StatsOut)
    def on_get_stats(self, req: falcon.Request, resp: falcon.Response,
                     query: OrderFilters) -> StatsOut:
        return StatsOut.of(admin.order_stats(self._ports(), query.filters()))

    @operation("A company's orders (deleted companies included)", tags=TAGS,
               query=OrdersQuery, response=Page[OrderOut], errors=(404,))
    def on_get_company(self, req: falcon.Request, resp: falcon.Response, query: OrdersQuery,
                       company_id: str) -> Page[OrderOut]:
        items, total = admin.company_orders(self._ports(), company_id, query.filters(query.sort),
                                            query.limit, query.offset)
        return Page[OrderOut](items=[OrderOut.of(o) for o in items], total=total,
                              limit=query.limit, offset=query.offset)


class OrderResource:
    def __init__(self, ports: Ports) -> None:
        self._ports = ports

    @operation("Get an order", tags=TAGS, response=OrderEnvelope, errors=(404,))
    def on_get(self, req: falcon.Request, resp: falcon.Response, order_id: str) -> OrderEnvelope:
        return OrderEnvelope(order=OrderOut.of(admin.get_order(self._ports(), order_id)))

    @operation("Change an order's status (legal moves only; resolves unknown orders)",
               tags=TAGS, body=StatusBody, response=OrderEnvelope, errors=(404, 409))
    def on_put_status(self, req: falcon.Request, resp: falcon.Response, body: StatusBody,
                      order_id: str) -> OrderEnvelope:
        order = admin.set_status(self._ports(), order_id, body.status, body.api_order_id)
        return OrderEnvelope(order=OrderOut.of(order))

    @operation("Correct an order's start count, remains or charge", tags=TAGS,
               body=StatsBody, response=OrderEnvelope, errors=(404,))
    def on_put_stats(self, req: falcon.Request, resp: falcon.Response, body: StatsBody,
                     order_id: str) -> OrderEnvelope:
        change = StatsChange(start_count=body.start_count, remains=body.remains,
                             charge=body.charge)
        return OrderEnvelope(order=OrderOut.of(admin.set_stats(self._ports(), order_id, change)))


def register(api: Api, container: Container) -> None:
    """Both order areas; the use cases' ports are built per request (lazily: the provider
    row is ensured on first use, not when the app starts)."""
    ports: Ports = container.order_ports
    orders, order = OrdersResource(ports), OrderResource(ports)
    api.route("/api/v1/orders", orders)
    api.route("/api/v1/orders/stats", orders, suffix="stats")
    api.route("/api/v1/orders/company/{company_id}", orders, suffix="company")
    api.route("/api/v1/orders/{order_id}", order)
    api.route("/api/v1/orders/{order_id}/status", order, suffix="status")
    api.route("/api/v1/orders/{order_id}/stats", order, suffix="stats")
    base = "/api/v1/api-integrations/orders"
    panel_orders, panel_order = PanelOrdersResource(ports), PanelOrderResource(ports)
    api.route(base, panel_orders)
    api.route(f"{base}/status", panel_orders, suffix="statuses")
    mass = MassOrdersResource(container.mass_ports)
    api.route(f"{base}/mass", mass)
    api.route(f"{base}/mass/{{batch_id}}", mass, suffix="one")
    api.route(f"{base}/{{order_id:int(min=1)}}/status", panel_order, suffix="status")
    api.route(f"{base}/{{order_id:int(min=1)}}/refill", panel_order, suffix="refill")
    api.route(f"{base}/{{order_id:int(min=1)}}/cancel", panel_order, suffix="cancel")
