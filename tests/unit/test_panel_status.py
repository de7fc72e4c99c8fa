"""Every panel spelling of an order status maps onto our one vocabulary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.panel.provider import OrderStatus, status_from_panel


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Pending", OrderStatus.PENDING),
        ("In progress", OrderStatus.IN_PROGRESS),
        ("Inprogress", OrderStatus.IN_PROGRESS),
        ("In Progress", OrderStatus.IN_PROGRESS),
        ("in_progress", OrderStatus.IN_PROGRESS),
        ("Processing", OrderStatus.PROCESSING),
        ("Awaiting", OrderStatus.AWAITING),
        ("Completed", OrderStatus.COMPLETED),
        ("Complete", OrderStatus.COMPLETED),
        ("Partial", OrderStatus.PARTIAL),
        ("Canceled", OrderStatus.CANCELED),
        ("Cancelled", OrderStatus.CANCELED),
        (" CANCELED ", OrderStatus.CANCELED),
        ("Fail", OrderStatus.FAILED),
        ("Failed", OrderStatus.FAILED),
        ("Error", OrderStatus.FAILED),
    ],
)
def test_known_spellings(raw: str, status: OrderStatus) -> None:
    assert status_from_panel(raw) is status


@given(st.text(max_size=30))
def test_any_text_maps_to_some_status_and_unknown_text_never_closes_an_order(raw: str) -> None:
    status = status_from_panel(raw)
    letters = "".join(ch for ch in raw.casefold() if "a" <= ch <= "z")
    known = {"pending", "inprogress", "processing", "awaiting", "completed", "complete",
             "partial", "partiallycompleted", "canceled", "cancelled", "refunded", "fail",
             "failed", "error"}
    if letters not in known:
        assert status is OrderStatus.PROCESSING
        assert status.is_open and not status.is_final
