"""What an order would cost and bill, before it is placed (the console's live preview)."""

from __future__ import annotations

from decimal import Decimal

from attrs import frozen

from social_scale_core.analytics.model import margin_percent
from social_scale_core.invoicing.pricing import apply_tax, priced
from social_scale_core.orders.deps import OrderPorts, buyer_of
from social_scale_core.orders.place_order import checked_draft
from social_scale_core.orders.placement_rules import OrderDraft


@frozen
class OrderPreview:
    """The figures placing `draft` would record: panel cost, the invoice, the profit.

    Profit is the invoice total less the panel cost, as the analytics count it
    (revenue = invoice totals) until the panel reports its real charge.
    """

    currency: str
    units: int
    cost: Decimal
    multiplier: Decimal
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal

    @property
    def profit(self) -> Decimal:
        return self.total - self.cost

    @property
    def margin(self) -> Decimal | None:
        return margin_percent(self.total, self.profit)


def preview_order(ports: OrderPorts, draft: OrderDraft) -> OrderPreview:
    """Check `draft` exactly as `place_order` does (ValidationFailed with every field
    error) and price it; nothing is written and the panel is not asked to place it."""
    entry = ports.catalog.entry(draft.service)
    with ports.uow() as uow:
        company, service, checked, multiplier = checked_draft(ports, uow, draft, entry)
    policy = ports.invoice_policy
    doc = apply_tax(priced(checked.cost, multiplier), policy.tax_mode, policy.tax_inclusive,
                    policy.seller, buyer_of(company))
    return OrderPreview(
        currency=service.currency, units=checked.units, cost=checked.cost,
        multiplier=multiplier, subtotal=doc.subtotal, tax_total=doc.tax_total, total=doc.total,
    )
