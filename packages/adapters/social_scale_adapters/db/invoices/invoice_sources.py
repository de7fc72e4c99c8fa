"""InvoiceSources over the orders and companies tables (read-only, for late invoices)."""

from __future__ import annotations

from social_scale_core.invoicing.model import BillingParty
from social_scale_core.invoicing.ports import OrderForInvoice
from sqlalchemy import select
from sqlalchemy.orm import Session

from social_scale_adapters.db.companies import companies
from social_scale_adapters.db.orders.order_table import orders


class SqlInvoiceSources:
    """Reads an order with its company's billing details (soft-deleted companies too)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def order(self, order_id: str) -> OrderForInvoice | None:
        o, c = orders.c, companies.c
        row = self._session.execute(
            select(o.id, o.company_id, o.currency, o.cost, o.quantity, o.runs,
                   o.service_name, o.status, o.remains, c.name, c.gstin, c.state_code,
                   c.address, c.email, c.default_invoice_multiplier, o.allow_below_cost)
            .join(companies, companies.c.id == o.company_id)
            .where(o.id == order_id)
        ).first()
        if row is None:
            return None
        return OrderForInvoice(
            order_id=row.id, company_id=row.company_id, currency=row.currency, cost=row.cost,
            quantity=row.quantity * (row.runs or 1), description=row.service_name,
            status=row.status, remains=row.remains,
            buyer=BillingParty(name=row.name, gstin=row.gstin, state_code=row.state_code,
                               address=row.address, email=row.email),
            default_multiplier=row.default_invoice_multiplier,
            allow_below_cost=bool(row.allow_below_cost),
        )

    def company_exists(self, company_id: str) -> bool:
        found = self._session.execute(
            select(companies.c.id).where(companies.c.id == company_id)).first()
        return found is not None
