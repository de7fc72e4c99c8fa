"""Seed companies and orders straight into their tables, for invoicing tests.

Invoicing reads orders (and their companies) but does not own them; these helpers insert
the rows the orders area would have written, without going through its order flow.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from social_scale_adapters.db.companies import companies
from social_scale_adapters.db.orders.order_table import orders
from sqlalchemy import Connection, insert

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def seed_company(conn: Connection, *, name: str = "Café Ünïcode Pvt. Ltd.",
                 gstin: str | None = None, state_code: str | None = None,
                 multiplier: Decimal | None = None, company_id: str | None = None) -> str:
    company_id = company_id or str(uuid.uuid4())
    conn.execute(insert(companies).values(
        id=company_id, name=name, email="accounts@cafe.example", phone=None,
        address="4 Park Street, Kolkata", gstin=gstin, state_code=state_code, notes=None,
        default_invoice_multiplier=multiplier, created_at=NOW, updated_at=NOW,
    ))
    return company_id


def seed_order(conn: Connection, company_id: str, *, cost: str = "9.998",
               quantity: int = 1000, status: str = "completed", remains: int | None = 0,
               service_name: str = "Instagram Followers [Refill 30D]",
               order_id: str | None = None) -> str:
    order_id = order_id or str(uuid.uuid4())
    conn.execute(insert(orders).values(
        id=order_id, company_id=company_id, provider_id=None, api_order_id=None,
        service_id=1680, service_name=service_name, service_type="Default",
        network="Instagram", rate=Decimal(cost), link="https://x.test/p",
        target_key="x.test/p", quantity=quantity, cost=Decimal(cost), currency="INR",
        status=status, remains=remains, source="manual", created_at=NOW, updated_at=NOW,
    ))
    return order_id


def bold(text: str) -> str:
    """`text` in the Mathematical Sans-Serif Bold letters panels use to style service names."""
    out = []
    for ch in text:
        if "A" <= ch <= "Z":
            out.append(chr(0x1D5D4 + ord(ch) - ord("A")))
        elif "a" <= ch <= "z":
            out.append(chr(0x1D5EE + ord(ch) - ord("a")))
        elif "0" <= ch <= "9":
            out.append(chr(0x1D7EC + ord(ch) - ord("0")))
        else:
            out.append(ch)
    return "".join(out)


def fullwidth(text: str) -> str:
    """`text` in fullwidth forms (U+FF01..U+FF5E)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)
