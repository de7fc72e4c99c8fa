"""The `orders` table and its mapping to the Order entity (explicit, both ways)."""

from __future__ import annotations

from typing import Any

from social_scale_core.orders.model import Order, OrderParams, ServiceInfo, Source
from social_scale_core.panel.provider import OrderStatus
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    false,
    func,
    select,
)

from social_scale_adapters.db.invoices.invoice_mapping import INVOICE
from social_scale_adapters.db.invoices.invoice_tables import invoice_lines, invoices
from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.orders.indexes import ANALYTICS_INDEXES
from social_scale_adapters.db.types import Money, UTCDateTime

orders = Table(
    "orders",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("company_id", String(36), ForeignKey("companies.id"), nullable=False),
    Column("provider_id", String(36), ForeignKey("providers.id"), nullable=True),
    Column("api_order_id", BigInteger(), nullable=True, unique=True),
    Column("service_id", Integer(), nullable=False),
    Column("service_name", Text(), nullable=False),
    Column("service_type", String(64), nullable=False),
    Column("network", String(64), nullable=False),
    Column("rate", Money(), nullable=False),
    Column("link", Text(), nullable=False),
    Column("target_key", String(2048), nullable=False),
    Column("quantity", Integer(), nullable=False),
    Column("runs", Integer(), nullable=True),
    Column("interval", Integer(), nullable=True),
    Column("comments", Text(), nullable=True),
    Column("usernames", Text(), nullable=True),
    Column("hashtags", Text(), nullable=True),
    Column("username", String(255), nullable=True),
    Column("media", Text(), nullable=True),
    Column("answer_number", String(64), nullable=True),
    Column("keywords", Text(), nullable=True),
    Column("cost", Money(), nullable=False),
    Column("charge", Money(), nullable=True),
    Column("currency", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("provider_status", String(64), nullable=True),
    Column("start_count", BigInteger(), nullable=True),
    Column("remains", BigInteger(), nullable=True),
    Column("invoice_multiplier", Money(), nullable=True),
    # Invoiced below INVOICE_MIN_MULTIPLIER because the order said so (migration 0009).
    Column("allow_below_cost", Boolean(), nullable=False, server_default=false()),
    Column("source", String(8), nullable=False),
    Column("idempotency_key", String(255), nullable=True, unique=True),
    Column("request_fingerprint", String(64), nullable=True),
    Column("error_code", String(64), nullable=True),
    Column("error_message", Text(), nullable=True),
    Column("refill_id", String(64), nullable=True),
    Column("refill_status", String(64), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("completed_at", UTCDateTime(), nullable=True),
    Column("last_checked_at", UTCDateTime(), nullable=True),
    # The background sync's lease (issue 6, `db/orders/sync_claims.py`); migration 0007.
    Column("sync_claimed_until", UTCDateTime(), nullable=True),
    # A company's orders by time; network and service ride along so that the services and
    # networks a company used are read off the index alone (migration 0008).
    Index("ix_orders_company_usage", "company_id", "created_at", "network", "service_id"),
    Index("ix_orders_status_last_checked_at", "status", "last_checked_at"),
    Index("ix_orders_target_key", "target_key"),
    Index("ix_orders_created_at", "created_at"),
    *ANALYTICS_INDEXES,
)

_PARAMS = ("runs", "interval", "comments", "usernames", "hashtags", "username", "media",
           "answer_number", "keywords")
_MUTABLE = ("api_order_id", "charge", "provider_status", "start_count", "remains",
            "invoice_multiplier", "error_code", "error_message", "refill_id", "refill_status",
            "updated_at", "completed_at", "last_checked_at")
# The invoice is found through invoices.order_id (one per order), so that an invoice made
# later by the invoicing endpoints shows on the order too; an order of a mass order is
# billed by a line of the batch's invoice instead.
_own_invoice = (
    select(invoices.c.id)
    .where(invoices.c.order_id == orders.c.id, invoices.c.kind == INVOICE)
    .limit(1).scalar_subquery()
)
_batch_invoice = (
    select(invoice_lines.c.invoice_id)
    .select_from(invoice_lines.join(invoices, invoices.c.id == invoice_lines.c.invoice_id))
    .where(invoice_lines.c.order_id == orders.c.id, invoices.c.kind == INVOICE)
    .limit(1).scalar_subquery()
)
invoice_id = func.coalesce(_own_invoice, _batch_invoice).label("invoice_id")


def order_select() -> Select[Any]:
    return select(orders, invoice_id)


def to_order(row: Any) -> Order:
    # By key through the row's mapping: attribute access on a Row costs several times
    # more, and a page maps 50 rows of 40 columns (issue 17's profile).
    m = row._mapping
    values: dict[str, Any] = {name: m[name] for name in _MUTABLE}
    return Order(
        id=m["id"], company_id=m["company_id"], provider_id=m["provider_id"],
        service=ServiceInfo(m["service_id"], m["service_name"], m["service_type"],
                            m["network"], m["rate"]),
        link=m["link"], target_key=m["target_key"], quantity=m["quantity"],
        params=OrderParams(**{name: m[name] for name in _PARAMS}),
        cost=m["cost"], currency=m["currency"], status=OrderStatus(m["status"]),
        source=Source(m["source"]), created_at=m["created_at"], invoice_id=m["invoice_id"],
        idempotency_key=m["idempotency_key"], request_fingerprint=m["request_fingerprint"],
        allow_below_cost=bool(m["allow_below_cost"]), **values,
    )


def mutable_values(order: Order) -> dict[str, Any]:
    values = {name: getattr(order, name) for name in _MUTABLE}
    values["status"] = order.status.value
    return values


def row_values(order: Order) -> dict[str, Any]:
    s = order.service
    return {
        "id": order.id, "company_id": order.company_id, "provider_id": order.provider_id,
        "service_id": s.service_id, "service_name": s.name, "service_type": s.type,
        "network": s.network, "rate": s.rate, "link": order.link,
        "target_key": order.target_key, "quantity": order.quantity, "cost": order.cost,
        "currency": order.currency, "source": order.source.value,
        "idempotency_key": order.idempotency_key,
        "request_fingerprint": order.request_fingerprint, "created_at": order.created_at,
        "allow_below_cost": order.allow_below_cost,
        **{name: getattr(order.params, name) for name in _PARAMS}, **mutable_values(order),
    }
