"""Invoices and credit notes: the documents, their parties, lines, taxes and policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from enum import StrEnum

from attrs import define, field, frozen

from social_scale_core.money import price_per

IST = timezone(timedelta(hours=5, minutes=30), "IST")
SAC_ADVERTISING = "998361"  # SAC for advertising services (social-media promotion)
DEFAULT_MULTIPLIER = Decimal(8)
MIN_MULTIPLIER = Decimal(1)  # below it the client pays less than the panel charges


class InvoiceStatus(StrEnum):
    """API statuses; `overdue` is never stored, it is computed from the due date."""

    DRAFT = "draft"
    SENT = "sent"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"


class TaxMode(StrEnum):
    OFF = "off"
    GST = "gst"


@frozen
class BillingParty:
    """Who sells or buys, as printed on the invoice (a snapshot taken at issue)."""

    name: str
    gstin: str | None = None
    state_code: str | None = None
    address: str | None = None
    email: str | None = None

    @property
    def gst_state(self) -> str | None:
        """The GST state code: the explicit one, else the first two digits of the GSTIN."""
        if self.state_code:
            return self.state_code.strip().zfill(2)
        if self.gstin and self.gstin[:2].isdigit():
            return self.gstin[:2]
        return None


@frozen
class InvoiceRequest:
    """What the order flow knows when it asks for an invoice (base_cost = the order's cost)."""

    order_id: str
    company_id: str
    currency: str
    base_cost: Decimal
    multiplier: Decimal
    description: str
    quantity: int
    buyer: BillingParty
    allow_below_cost: bool = False  # the order said a multiplier under the floor is meant


@frozen
class TaxLine:
    """One tax component, e.g. CGST at 9 (percent)."""

    name: str
    rate: Decimal
    amount: Decimal


@frozen
class LineBilling:
    """How a mass order's invoice line bills its order (a single order's invoice keeps
    these on the invoice itself): adjustments only ever lower `billed_quantity`."""

    multiplier: Decimal
    order_cost: Decimal
    ordered_quantity: int
    billed_quantity: int


@frozen
class InvoiceLine:
    """`amount` is the taxable value; `unit_price` is amount / quantity cut to 4 places, as
    stored. Documents show `price_per(...)`, which multiplies back to `amount`."""

    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    sac: str | None = None
    taxes: tuple[TaxLine, ...] = ()
    # A mass order's invoice bills one order per line, each line billed on its own:
    # the order, its multiplier and cost, the units ordered and the units still billed.
    order_id: str | None = None
    billing: LineBilling | None = None

    @property
    def tax_total(self) -> Decimal:
        return sum((t.amount for t in self.taxes), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax_total

    def price_per(self, units: int = 1) -> Decimal:
        """The price of `units` units such that quantity x it / units rounds to `amount`."""
        return price_per(self.amount, self.quantity, units)


def sum_taxes(lines: tuple[InvoiceLine, ...]) -> tuple[TaxLine, ...]:
    """The document's tax breakdown: each component summed over the lines, in first-seen order."""
    totals: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        for tax in line.taxes:
            key = (tax.name, tax.rate)
            totals[key] = totals.get(key, Decimal(0)) + tax.amount
    return tuple(TaxLine(name, rate, amount) for (name, rate), amount in totals.items())


@define
class Invoice:
    """An issued invoice. `status` is the stored one (never `overdue`); see `status_at`.

    `order_cost` is the whole order's cost; `base_cost` the part of it billed (both equal
    until an adjustment). `billed_quantity` is how many units the invoice, net of its credit
    notes, still bills; adjustments only ever lower it, which makes them idempotent.

    A mass order's invoice has no `order_id` but a `batch_id`, and one line per placed
    order, each with its own `LineBilling`; its figures are the sums of its lines'.
    """

    id: str
    number: str
    order_id: str | None
    company_id: str
    status: InvoiceStatus
    currency: str
    multiplier: Decimal
    base_cost: Decimal
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    lines: tuple[InvoiceLine, ...]
    issued_at: datetime
    due_at: datetime
    order_cost: Decimal
    seller: BillingParty
    buyer: BillingParty
    ordered_quantity: int
    billed_quantity: int
    tax_mode: TaxMode = TaxMode.OFF
    tax_inclusive: bool = False
    paid_at: datetime | None = None
    updated_at: datetime = field(factory=lambda: datetime.now(UTC))
    batch_id: str | None = None

    @property
    def taxes(self) -> tuple[TaxLine, ...]:
        return sum_taxes(self.lines)

    def line_of(self, order_id: str) -> int | None:
        """The position of the order's line on a mass order's invoice, or None."""
        return next((i for i, line in enumerate(self.lines) if line.order_id == order_id), None)

    def status_at(self, now: datetime) -> InvoiceStatus:
        """The status to report: `overdue` once the due date passed unpaid and not void."""
        unpaid = self.status in (InvoiceStatus.DRAFT, InvoiceStatus.SENT)
        return InvoiceStatus.OVERDUE if unpaid and now > self.due_at else self.status


@frozen
class CreditNote:
    """A credit against a paid invoice: its own number series, negative amounts."""

    id: str
    number: str
    invoice_id: str
    company_id: str
    currency: str
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    lines: tuple[InvoiceLine, ...]
    issued_at: datetime
    reason: str

    @property
    def taxes(self) -> tuple[TaxLine, ...]:
        return sum_taxes(self.lines)


@frozen
class HistoryEntry:
    """One change to an issued invoice: who, what, when, and the before/after values."""

    invoice_id: str
    at: datetime
    actor: str
    action: str
    old_status: str | None = None
    new_status: str | None = None
    old_total: Decimal | None = None
    new_total: Decimal | None = None
    note: str | None = None


@frozen
class InvoicePolicy:
    """How invoices are numbered, dated and taxed (built from settings at start-up)."""

    seller: BillingParty
    prefix: str = "SS"
    credit_note_prefix: str = "CN"
    fy_start_month: int = 4
    due_days: int = 7
    tax_mode: TaxMode = TaxMode.OFF
    tax_inclusive: bool = False
    timezone: tzinfo = IST
    default_multiplier: Decimal = DEFAULT_MULTIPLIER
    # The floor of every multiplier (INVOICE_MIN_MULTIPLIER) unless an order allows less.
    min_multiplier: Decimal = MIN_MULTIPLIER
