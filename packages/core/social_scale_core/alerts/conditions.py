"""Judging the facts: which conditions hold now, kind by kind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from social_scale_core.alerts.model import AlertKind, AlertThresholds, Condition, PriceChange
from social_scale_core.alerts.ports import AlertFacts
from social_scale_core.panel.provider import Balance

K = AlertKind
# A check of one kind: the conditions that hold, or None when it could not tell (the
# panel did not answer): its open alerts then stay as they are.
Check = Callable[[], list[Condition] | None]


def order_conditions(facts: AlertFacts, now: datetime,
                     limits: AlertThresholds) -> dict[AlertKind, list[Condition]]:
    recent = now - timedelta(seconds=limits.recent_seconds)
    stalled = now - timedelta(seconds=limits.order_stall_seconds)
    return {
        K.ORDER_UNKNOWN: [Condition(K.ORDER_UNKNOWN, oid, f"Order {label}: the panel's answer "
                                    "to the placement was lost; check the panel")
                          for oid, label in facts.orders_in_status("unknown")],
        K.ORDER_FAILED: [Condition(K.ORDER_FAILED, oid, f"Order {label} failed at the panel")
                         for oid, label in facts.orders_in_status("failed",
                                                                  changed_since=recent)],
        K.ORDER_STALLED: [Condition(K.ORDER_STALLED, oid, f"Order {label} is stuck in "
                                    "submitting")
                          for oid, label in facts.orders_in_status("submitting",
                                                                   created_before=stalled)],
        K.INVOICE_OVERDUE: [Condition(K.INVOICE_OVERDUE, number, f"Invoice {label} is overdue")
                            for number, label in facts.overdue_invoices(now)],
    }


def sync_condition(facts: AlertFacts, now: datetime, limits: AlertThresholds) -> list[Condition]:
    """Stalled: orders are open and no panel call succeeded for `sync_stall`."""
    if not facts.open_orders():
        return []
    last = facts.last_panel_success()
    if last is not None and now - last <= timedelta(seconds=limits.sync_stall_seconds):
        return []
    since = f"since {last:%Y-%m-%d %H:%M} UTC" if last else "ever"
    return [Condition(K.SYNC_STALLED, "sync", f"No successful panel call {since}; open "
                      "orders are not being followed")]


def balance_condition(balance: Balance | None, facts: AlertFacts, now: datetime,
                      limits: AlertThresholds) -> list[Condition] | None:
    """Low: below the floor, or below `balance_days` days of the last 7 days' spend."""
    if balance is None:
        return None
    floor = limits.balance_below
    if limits.balance_days is not None:
        per_day = facts.spend_since(now - timedelta(days=7), balance.currency) / 7
        runway = (per_day * limits.balance_days).quantize(Decimal("0.0001"))
        floor = max(floor or Decimal(0), runway) if per_day > 0 else floor
    if floor is None or balance.amount >= floor:
        return []
    return [Condition(K.LOW_BALANCE, "panel", f"Panel balance {balance.amount} "
                      f"{balance.currency} is below {floor} {balance.currency}")]


def price_conditions(changes: Sequence[PriceChange]) -> list[Condition]:
    latest = {c.service: c for c in sorted(changes, key=lambda c: c.detected_at)}
    return [Condition(K.PRICE_CHANGE, str(c.service), f"Service {c.service} ({c.name}): rate "
                      f"{c.old} -> {c.new} ({c.percent:+}%)") for c in latest.values()]
