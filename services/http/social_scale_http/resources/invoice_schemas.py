"""JSON shapes of invoices (API.md plus `taxes`, line `sac`/`taxes`, buyer, credit notes)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)
from social_scale_core.invoicing.lifecycle import InvoiceView
from social_scale_core.invoicing.model import (
    BillingParty,
    CreditNote,
    HistoryEntry,
    Invoice,
    InvoiceLine,
    TaxLine,
)

from social_scale_http.schemas import (
    ApiModel,
    InvoiceMoney,
    Multiplier,
    OutModel,
    ProviderMoney,
    UnitPrice,
    UtcDateTime,
)

StatusName = Literal["draft", "sent", "paid", "overdue", "void"]
# A plain decimal string without trailing zeros: "8", "2.5", "9" (percent).
Factor = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{d.normalize():f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?$"}, mode="serialization"),
]


def _without_null(data: dict[str, Any], key: str) -> dict[str, Any]:
    """`key` only where it applies (mass orders'), so single orders' shapes stay as they were."""
    if data.get(key) is None:
        data.pop(key, None)
    return data


class TaxOut(OutModel):
    name: str = Field(description="CGST, SGST or IGST")
    rate: Factor = Field(description="percent")
    amount: InvoiceMoney

    @classmethod
    def of(cls, t: TaxLine) -> TaxOut:
        return cls(name=t.name, rate=t.rate, amount=t.amount)


class LineOut(OutModel):
    description: str
    quantity: int
    unit_price: UnitPrice = Field(
        description="amount / quantity, with as many decimals as quantity x unitPrice needs "
                    "to round (half up, to cents) to amount")
    amount: InvoiceMoney = Field(description="the taxable value of the line")
    sac: str | None = Field(None, description="SAC code when GST applies")
    taxes: list[TaxOut]
    order_id: str | None = Field(None, description="the order the line bills, on a mass "
                                                   "order's invoice (and its credit notes)")

    @classmethod
    def of(cls, line: InvoiceLine) -> LineOut:
        return cls(description=line.description, quantity=line.quantity,
                   unit_price=line.price_per(1), amount=line.amount, sac=line.sac,
                   taxes=[TaxOut.of(t) for t in line.taxes], order_id=line.order_id)

    @model_serializer(mode="wrap")
    def _shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_null(handler(self), "orderId")


class PartyOut(OutModel):
    name: str
    gstin: str | None
    state_code: str | None
    address: str | None
    email: str | None

    @classmethod
    def of(cls, p: BillingParty) -> PartyOut:
        return cls(name=p.name, gstin=p.gstin, state_code=p.gst_state, address=p.address,
                   email=p.email)


class InvoiceOut(OutModel):
    id: str
    number: str
    order_id: str | None = Field(description="null on a mass order's invoice (see batchId)")
    batch_id: str | None = Field(None, description="the mass order billed, one line per "
                                                   "placed order")
    company_id: str
    status: StatusName = Field(description="`overdue` is computed: due date passed, unpaid")
    currency: str
    multiplier: Factor
    base_cost: ProviderMoney = Field(
        description="the order's panel cost billed (pro rata if adjusted), at panel precision")
    subtotal: InvoiceMoney
    tax_total: InvoiceMoney
    total: InvoiceMoney
    taxes: list[TaxOut]
    lines: list[LineOut]
    buyer: PartyOut
    issued_at: UtcDateTime
    due_at: UtcDateTime
    paid_at: UtcDateTime | None

    @classmethod
    def of(cls, i: Invoice, now: datetime) -> InvoiceOut:
        return cls(
            id=i.id, number=i.number, order_id=i.order_id, batch_id=i.batch_id,
            company_id=i.company_id,
            status=i.status_at(now).value, currency=i.currency, multiplier=i.multiplier,
            base_cost=i.base_cost, subtotal=i.subtotal, tax_total=i.tax_total, total=i.total,
            taxes=[TaxOut.of(t) for t in i.taxes], lines=[LineOut.of(x) for x in i.lines],
            buyer=PartyOut.of(i.buyer), issued_at=i.issued_at, due_at=i.due_at,
            paid_at=i.paid_at,
        )

    @model_serializer(mode="wrap")
    def _shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_null(handler(self), "batchId")


class CreditNoteOut(OutModel):
    id: str
    number: str
    invoice_id: str
    currency: str
    subtotal: InvoiceMoney
    tax_total: InvoiceMoney
    total: InvoiceMoney
    taxes: list[TaxOut]
    lines: list[LineOut]
    reason: str
    issued_at: UtcDateTime

    @classmethod
    def of(cls, n: CreditNote) -> CreditNoteOut:
        return cls(id=n.id, number=n.number, invoice_id=n.invoice_id, currency=n.currency,
                   subtotal=n.subtotal, tax_total=n.tax_total, total=n.total,
                   taxes=[TaxOut.of(t) for t in n.taxes], lines=[LineOut.of(x) for x in n.lines],
                   reason=n.reason, issued_at=n.issued_at)


class HistoryOut(OutModel):
    at: UtcDateTime
    actor: str
    action: str
    old_status: str | None
    new_status: str | None
    old_total: InvoiceMoney | None
    new_total: InvoiceMoney | None
    note: str | None

    @classmethod
    def of(cls, e: HistoryEntry) -> HistoryOut:
        return cls(at=e.at, actor=e.actor, action=e.action, old_status=e.old_status,
                   new_status=e.new_status, old_total=e.old_total, new_total=e.new_total,
                   note=e.note)


class InvoiceDetailOut(InvoiceOut):
    credit_notes: list[CreditNoteOut]
    history: list[HistoryOut]

    @classmethod
    def of_view(cls, view: InvoiceView, entries: list[HistoryEntry],
                now: datetime) -> InvoiceDetailOut:
        base = InvoiceOut.of(view.invoice, now)
        return cls(**dict(base), credit_notes=[CreditNoteOut.of(n) for n in view.credit_notes],
                   history=[HistoryOut.of(e) for e in entries])


class InvoiceEnvelope(OutModel):
    invoice: InvoiceOut


class InvoiceDetailEnvelope(OutModel):
    invoice: InvoiceDetailOut


class CreateBody(ApiModel):
    multiplier: Multiplier | None = Field(
        None, description="price = order cost x multiplier; default: the company's, else 8",
    )


class StatusBody(ApiModel):
    status: StatusName
