"""`/api/v1/invoices/{id}/send` and `/deliveries`: mail an invoice through the outbox."""

from __future__ import annotations

from collections.abc import Callable

import falcon
from pydantic import EmailStr, Field
from social_scale_core.delivery.deps import DeliveryPorts
from social_scale_core.delivery.model import Delivery
from social_scale_core.delivery.send import SendRequest, deliveries, send_invoice
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.schemas import ApiModel, OutModel, Page, UtcDateTime

PREFIX = "/api/v1/invoices"
TAGS = ("invoices",)


class SendBody(ApiModel):
    to: EmailStr | None = Field(None, description="default: the company's email")
    cc: list[EmailStr] = Field(default_factory=list, max_length=10)
    message: str | None = Field(None, max_length=2000, description="added to the mail")


class DeliveryOut(OutModel):
    id: str
    kind: str = Field(description="invoice (a send) or reminder")
    status: str = Field(description="queued, sent or failed")
    to: str
    cc: list[str]
    reminder_step: int | None = Field(description="days after the due date, for a reminder")
    attempts: int
    queued_at: UtcDateTime
    next_attempt_at: UtcDateTime | None = Field(description="while queued")
    sent_at: UtcDateTime | None
    error: str | None = Field(description="the last attempt's failure")
    message_id: str

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls(id=d.id, kind=d.kind.value, status=d.status.value, to=", ".join(d.to),
                   cc=list(d.cc), reminder_step=d.reminder_step, attempts=d.attempts,
                   queued_at=d.queued_at,
                   next_attempt_at=d.next_attempt_at if d.status == "queued" else None,
                   sent_at=d.sent_at, error=d.error, message_id=d.message_id)


class DeliveryEnvelope(OutModel):
    delivery: DeliveryOut


def _actor(req: falcon.Request) -> str:
    principal = getattr(req.context, "principal", None)
    return str(getattr(principal, "id", None) or "admin")


class InvoiceDeliveryResource:
    def __init__(self, ports: Callable[[], DeliveryPorts]) -> None:
        self._ports = ports

    @operation("Mail the invoice (PDF attached) through the outbox; a draft becomes sent",
               tags=TAGS, body=SendBody, response=DeliveryEnvelope, status=202,
               errors=(401, 404, 409, 422))
    def on_post_send(self, req: falcon.Request, resp: falcon.Response, body: SendBody,
                     invoice_id: str) -> DeliveryEnvelope:
        request = SendRequest(to=str(body.to) if body.to else None,
                              cc=tuple(str(a) for a in body.cc), message=body.message or None)
        delivery = send_invoice(self._ports(), invoice_id, request, _actor(req))
        return DeliveryEnvelope(delivery=DeliveryOut.of(delivery))

    @operation("The invoice's mails (sends and reminders), oldest first", tags=TAGS,
               response=Page[DeliveryOut], errors=(401, 404))
    def on_get_deliveries(self, req: falcon.Request, resp: falcon.Response,
                          invoice_id: str) -> Page[DeliveryOut]:
        found = deliveries(self._ports(), invoice_id)
        return Page[DeliveryOut](items=[DeliveryOut.of(d) for d in found], total=len(found),
                                 limit=len(found), offset=0)


def register(api: Api, container: Container) -> None:
    resource = InvoiceDeliveryResource(container.delivery_ports)
    api.route(f"{PREFIX}/{{invoice_id}}/send", resource, suffix="send")
    api.route(f"{PREFIX}/{{invoice_id}}/deliveries", resource, suffix="deliveries")
