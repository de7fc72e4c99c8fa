"""Orders: the filtered list with bulk sync, and an order's page with its actions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import falcon
from social_scale_core import errors as e
from social_scale_core.invoicing.lifecycle import get_invoice
from social_scale_core.orders import admin, tracking
from social_scale_core.orders.model import Order
from social_scale_core.orders.ports import SORT_FIELDS, OrderQuery
from social_scale_core.panel.provider import OPEN_STATUSES, OrderStatus

from social_scale_web.forms import messages
from social_scale_web.page import Page, see_other
from social_scale_web.paging import KeysetPager

PAGE_SIZE = 50
SORTS = tuple(f"{d}{f}" for f in SORT_FIELDS for d in ("-", ""))


def _day(value: str | None, zone: Any, end: bool) -> datetime | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min, zone)
    return moment - timedelta(microseconds=1) if end else moment


def query_from(req: falcon.Request, zone: Any) -> OrderQuery:
    """The list's filters from the query string; unreadable values are ignored."""
    def param(name: str, limit: int = 200) -> str | None:
        value = (req.get_param(name) or "").strip()
        return value[:limit] or None

    status = param("status")
    service = param("service")
    sort = param("sort") or "-createdAt"
    return OrderQuery(
        status=OrderStatus(status) if status in set(OrderStatus) else None,
        company_id=param("companyId", 64), network=param("network", 64),
        service=int(service) if service and service.isdigit() and len(service) < 12 else None,
        link_contains=param("link"), created_from=_day(param("from"), zone, False),
        created_to=_day(param("to"), zone, True), sort=sort if sort in SORTS else "-createdAt",
        allow_below_cost={"yes": True, "no": False}.get(param("belowCost", 3) or ""),
    )


class OrdersPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        pager = KeysetPager.of(req, PAGE_SIZE)
        query = query_from(req, self.deps.invoice_policy.timezone)
        page = admin.page_orders(self.deps.orders(), query, PAGE_SIZE, pager.cursor(query.sort))
        self.render(req, resp, "orders.html", orders=page.orders,
                    pager=pager.with_page(page),
                    query=query, statuses=list(OrderStatus), sorts=SORTS,
                    filters={k: v for k, v in req.params.items() if isinstance(v, str)})

    def on_post_sync(self, req: falcon.Request, resp: falcon.Response) -> None:
        ids = [int(v) for v in self.form(req).many("apiOrderId") if v.isdigit() and len(v) < 19]
        if not ids:
            raise see_other("/orders?notice=nothing-selected")
        results = tracking.sync_orders(self.deps.orders(), ids[:1000])
        failed = sum(1 for r in results.values() if isinstance(r, str))
        raise see_other(f"/orders?notice={'synced-some' if failed else 'synced'}")


class OrderPage(Page):
    def on_get(self, req: falcon.Request, resp: falcon.Response, order_id: str) -> None:
        self._show(req, resp, order_id)

    def _show(self, req: falcon.Request, resp: falcon.Response, order_id: str,
              status: int = 200, **extra: Any) -> None:
        ports = self.deps.orders()
        order = admin.get_order(ports, order_id)
        view = get_invoice(self.deps.uow, order.invoice_id) if order.invoice_id else None
        resolvable = order.api_order_id is None and order.status in (
            OrderStatus.UNKNOWN, OrderStatus.SUBMITTING)
        self.render(req, resp, "order.html", status, order=order,
                    changes=admin.status_history(ports, order_id),
                    invoice=view.invoice if view else None, resolvable=resolvable,
                    actions=self._actions(order), now=self.deps.clock.now(), **extra)

    def _actions(self, order: Order) -> list[tuple[str, str, bool]]:
        """Refill and cancel, each offered only where the service and the status allow it."""
        try:
            service = self.deps.catalog.get(order.service.service_id)
        except e.ProviderError:
            service = None
        if service is None or order.api_order_id is None:
            return []
        return [
            ("refill", "Request refill", service.refill
             and order.status in (OrderStatus.COMPLETED, OrderStatus.PARTIAL)),
            ("cancel", "Cancel order", service.cancel and order.status in OPEN_STATUSES),
        ]

    def _panel_id(self, order_id: str) -> int:
        order = admin.get_order(self.deps.orders(), order_id)
        if order.api_order_id is None:
            raise e.Conflict("The panel has no id for this order yet.")
        return order.api_order_id

    def on_post_sync(self, req: falcon.Request, resp: falcon.Response, order_id: str) -> None:
        tracking.sync_order(self.deps.orders(), self._panel_id(order_id))
        raise see_other(f"/orders/{order_id}?notice=synced")

    def on_post_refill(self, req: falcon.Request, resp: falcon.Response, order_id: str) -> None:
        tracking.request_refill(self.deps.orders(), self._panel_id(order_id))
        raise see_other(f"/orders/{order_id}?notice=refill-requested")

    def on_post_cancel(self, req: falcon.Request, resp: falcon.Response, order_id: str) -> None:
        tracking.cancel_order(self.deps.orders(), self._panel_id(order_id))
        raise see_other(f"/orders/{order_id}?notice=cancel-requested")

    def on_post_resolve(self, req: falcon.Request, resp: falcon.Response, order_id: str) -> None:
        form = self.form(req)
        outcome = form.text("outcome", 20)
        try:
            api_id = form.integer("apiOrderId", 1) if outcome == "placed" else None
            if outcome == "placed" and api_id is None and not form.errors:
                form.errors.append(e.FieldError("apiOrderId", "give the panel's order id"))
            form.check()
            status = OrderStatus.PENDING if outcome == "placed" else OrderStatus.FAILED
            admin.set_status(self.deps.orders(), order_id, status, api_id)
        except e.ValidationFailed as exc:
            self._show(req, resp, order_id, 422, errors=messages(exc), form=form.values())
            return
        raise see_other(f"/orders/{order_id}?notice=resolved")
