"""`/api/v1/api-integrations/orders/mass`: many orders in one request (JSON lines or the
SMM panels' `service|link|quantity` text), each line checked, placed and reported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import falcon
from pydantic import Field, StrictBool, ValidationError, model_validator
from social_scale_core.errors import FieldError, ValidationFailed
from social_scale_core.orders.mass import MassPorts, get_batch, invalid_line, place_mass_order
from social_scale_core.orders.mass_model import MAX_LINES, LineInput, MassRequest
from social_scale_core.orders.mass_text import text_lines
from social_scale_core.orders.mass_view import BatchView, view_batch

from social_scale_http.api import field_errors, operation
from social_scale_http.resources.invoice_schemas import InvoiceOut
from social_scale_http.resources.order_schemas import OrderOut, PlaceOrderBody
from social_scale_http.resources.panel_orders import idempotency_key
from social_scale_http.schemas import (
    ApiModel,
    FieldProblem,
    Multiplier,
    OutModel,
    ProviderMoney,
    UtcDateTime,
)

TAGS = ("api-integrations",)
# Set once for the batch, never per line.
_OWN = ("companyId", "invoiceMultiplier", "allowBelowCost")


class MassOrderBody(ApiModel):
    company_id: str = Field(min_length=1, max_length=64)
    invoice_multiplier: Multiplier | None = None
    allow_below_cost: StrictBool = Field(
        False, description="invoice below INVOICE_MIN_MULTIPLIER on purpose (every line)")
    lines: list[dict[str, Any]] | None = Field(
        None, max_length=MAX_LINES, description="{service, link, quantity, ...type fields}")
    text: str | None = Field(None, max_length=MAX_LINES * 2200,
                             description="one `service|link|quantity` per line")

    @model_validator(mode="after")
    def _one_form(self) -> MassOrderBody:
        if (self.lines is None) == (self.text is None):
            raise ValueError("give either `lines` or `text`")
        return self

    def request(self) -> MassRequest:
        raw = text_lines(self.text) if self.text is not None else [
            (n, line) for n, line in enumerate(self.lines or [], start=1)]
        if len(raw) > MAX_LINES:
            raise ValidationFailed.single("text", f"at most {MAX_LINES} lines per mass order")
        return MassRequest(self.company_id, self.invoice_multiplier,
                           tuple(self._line(n, item) for n, item in raw))

    def _line(self, n: int, item: dict[str, Any] | list[FieldError]) -> LineInput:
        if isinstance(item, list):
            return invalid_line(n, item)
        if not isinstance(item, dict):
            return invalid_line(n, [FieldError("line", "must be an object")])
        own = [FieldError(k, "is set once for the whole mass order") for k in _OWN if k in item]
        if own:
            return invalid_line(n, own)
        data = {**item, "companyId": self.company_id,
                "invoiceMultiplier": self.invoice_multiplier,
                "allowBelowCost": self.allow_below_cost}
        try:
            return LineInput(n, PlaceOrderBody.model_validate(data).draft())
        except ValidationError as exc:
            return invalid_line(n, field_errors(exc))


class LineOut(OutModel):
    line: int
    status: str = Field(description="placed, rejected, invalid or unknown (pending: not "
                                    "placed yet, the request stopped; replay it)")
    order: OrderOut | None = None
    error: str | None = None
    errors: list[FieldProblem] | None = None


class SummaryOut(OutModel):
    lines: int
    placed: int
    rejected: int
    invalid: int
    unknown: int
    pending: int
    currency: str | None
    cost: ProviderMoney = Field(description="the placed orders' cost, as priced")
    billed: ProviderMoney = Field(description="the placed orders' invoice totals")


class BatchOut(OutModel):
    id: str
    created_at: UtcDateTime
    status: str
    lines: list[LineOut]
    summary: SummaryOut
    invoice: InvoiceOut | None = Field(
        None, description="the batch's one invoice, a line per placed order (each placed "
                          "order's invoiceId points at it); null while no line is placed")

    @classmethod
    def of(cls, view: BatchView, now: datetime) -> BatchOut:
        lines = [LineOut(
            line=v.line.line, status=v.status.value,
            order=OrderOut.of(v.order) if v.order is not None else None,
            error=v.line.error or ("; ".join(f"{e.field}: {e.message}" for e in v.line.errors)
                                   or None),
            errors=[FieldProblem(field=e.field, message=e.message) for e in v.line.errors]
            or None,
        ) for v in view.lines]
        c = view.counts
        summary = SummaryOut(lines=len(lines), placed=c["placed"], rejected=c["rejected"],
                             invalid=c["invalid"], unknown=c["unknown"], pending=c["pending"],
                             currency=view.currency, cost=view.cost, billed=view.billed)
        b = view.batch
        invoice = InvoiceOut.of(view.invoice, now) if view.invoice is not None else None
        return cls(id=b.id, created_at=b.created_at, status=b.status.value, lines=lines,
                   summary=summary, invoice=invoice)


class BatchEnvelope(OutModel):
    batch: BatchOut


class MassOrdersResource:
    def __init__(self, ports: Callable[[], MassPorts]) -> None:
        self._ports = ports

    @operation("Place a mass order: up to 500 lines, each checked first (Idempotency-Key "
               "honoured for the batch)", tags=TAGS, body=MassOrderBody,
               response=BatchEnvelope, status=201, idempotent_key=True,
               errors=(409, 422, 503))
    def on_post(self, req: falcon.Request, resp: falcon.Response,
                body: MassOrderBody) -> BatchEnvelope:
        ports = self._ports()
        batch = place_mass_order(ports, body.request(), idempotency_key(req))
        return BatchEnvelope(batch=BatchOut.of(view_batch(ports.orders, batch),
                                                   ports.orders.clock.now()))

    @operation("A mass order and its lines", tags=TAGS, response=BatchEnvelope,
               errors=(404,))
    def on_get_one(self, req: falcon.Request, resp: falcon.Response,
                   batch_id: str) -> BatchEnvelope:
        ports = self._ports()
        batch = get_batch(ports, batch_id)
        return BatchEnvelope(batch=BatchOut.of(view_batch(ports.orders, batch),
                                                   ports.orders.clock.now()))
