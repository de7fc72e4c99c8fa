"""Builders of Order entities for tests (every field defaulted, any one overridable)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from social_scale_core.orders.model import Order, OrderParams, ServiceInfo, Source
from social_scale_core.panel.provider import OrderStatus

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def make_order(**overrides: Any) -> Order:
    values: dict[str, Any] = {
        "id": "o1", "company_id": "c1", "provider_id": None,
        "service": ServiceInfo(2124, "Followers", "Default", "Instagram", Decimal("269.923")),
        "link": "https://instagram.com/x", "target_key": "instagram.com/x", "quantity": 100,
        "params": OrderParams(), "cost": Decimal("26.9923"), "currency": "INR",
        "status": OrderStatus.PENDING, "source": Source.API, "created_at": T0,
        "updated_at": T0, "api_order_id": 1,
    }
    values.update(overrides)
    return Order(**values)
