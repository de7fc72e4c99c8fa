"""`/api/v1/api-integrations/orders`: place at Fampage, sync status, refill, cancel."""

from __future__ import annotations

import re
from collections.abc import Callable

import falcon
from pydantic import Field
from social_scale_core.errors import ValidationFailed
from social_scale_core.orders import tracking
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.place_order import place_order
from social_scale_core.orders.replay import Placed

from social_scale_http.api import operation
from social_scale_http.resources.invoice_schemas import InvoiceOut
from social_scale_http.resources.order_schemas import (
    ErrorOut,
    OrderEnvelope,
    OrderOut,
    PlacedOut,
    PlaceOrderBody,
    RefilledOut,
    RefillOut,
    StatusesOut,
)
from social_scale_http.schemas import QueryModel

TAGS = ("api-integrations",)
PROVIDER_ERRORS = (502, 503, 504)
MAX_IDS = 1000
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
Ports = Callable[[], OrderPorts]


def idempotency_key(req: falcon.Request) -> str | None:
    """The Idempotency-Key header: 1-255 visible ASCII characters, or absent."""
    key = req.get_header("Idempotency-Key")
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationFailed.single(
            "Idempotency-Key", "must be 1 to 255 visible ASCII characters")
    return key


def placed_out(placed: Placed, ports: OrderPorts) -> PlacedOut:
    now = ports.clock.now()
    invoice = InvoiceOut.of(placed.invoice, now) if placed.invoice is not None else None
    return PlacedOut(order=OrderOut.of(placed.order), invoice=invoice)


class StatusesQuery(QueryModel):
    order_ids: str = Field(max_length=20_000, description="Fampage order ids, comma-separated")

    def ids(self) -> list[int]:
        parts = [p.strip() for p in self.order_ids.split(",") if p.strip()]
        if not parts or not all(p.isdigit() and 0 < int(p) < 2**62 for p in parts):
            raise ValidationFailed.single(
                "orderIds", "must be positive integers separated by commas")
        if len(parts) > MAX_IDS:
            raise ValidationFailed.single("orderIds", f"at most {MAX_IDS} ids per request")
        return [int(p) for p in parts]


class PanelOrdersResource:
    def __init__(self, ports: Ports) -> None:
        self._ports = ports

    @operation("Place an order at Fampage, with its invoice (Idempotency-Key honoured)",
               tags=TAGS, body=PlaceOrderBody, response=PlacedOut, status=201,
               idempotent_key=True, errors=(402, 409, 422, *PROVIDER_ERRORS))
    def on_post(self, req: falcon.Request, resp: falcon.Response,
                body: PlaceOrderBody) -> PlacedOut:
        ports = self._ports()
        return placed_out(place_order(ports, body.draft(), idempotency_key(req)), ports)

    @operation("Sync many orders' status from Fampage (by Fampage ids)", tags=TAGS,
               query=StatusesQuery, response=StatusesOut, errors=PROVIDER_ERRORS)
    def on_get_statuses(self, req: falcon.Request, resp: falcon.Response,
                        query: StatusesQuery) -> StatusesOut:
        results = tracking.sync_orders(self._ports(), query.ids())
        return StatusesOut(results={
            str(api_id): ErrorOut(error=r) if isinstance(r, str)
            else OrderEnvelope(order=OrderOut.of(r))
            for api_id, r in results.items()
        })


class PanelOrderResource:
    def __init__(self, ports: Ports) -> None:
        self._ports = ports

    @operation("Sync one order's status from Fampage (by its Fampage id)", tags=TAGS,
               response=OrderEnvelope, errors=(404, *PROVIDER_ERRORS))
    def on_get_status(self, req: falcon.Request, resp: falcon.Response,
                      order_id: int) -> OrderEnvelope:
        return OrderEnvelope(order=OrderOut.of(tracking.sync_order(self._ports(), order_id)))

    @operation("Ask Fampage to refill an order", tags=TAGS, response=RefilledOut,
               errors=(404, 409, *PROVIDER_ERRORS))
    def on_post_refill(self, req: falcon.Request, resp: falcon.Response,
                       order_id: int) -> RefilledOut:
        order = tracking.request_refill(self._ports(), order_id)
        return RefilledOut(order=OrderOut.of(order),
                           refill=RefillOut(id=order.refill_id or "", status=order.refill_status))

    @operation("Ask Fampage to cancel an order (canceled once it accepts)", tags=TAGS,
               response=OrderEnvelope, errors=(404, 409, *PROVIDER_ERRORS))
    def on_post_cancel(self, req: falcon.Request, resp: falcon.Response,
                       order_id: int) -> OrderEnvelope:
        return OrderEnvelope(order=OrderOut.of(tracking.cancel_order(self._ports(), order_id)))
