"""The alerts step of the round: open, resolve, mail and push; listing and acknowledging."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import evolve, field, frozen

from social_scale_core.alerts.conditions import (
    balance_condition,
    order_conditions,
    price_conditions,
    sync_condition,
)
from social_scale_core.alerts.model import Alert, AlertKind, AlertThresholds, Condition
from social_scale_core.alerts.ports import AlertNotifier, AlertsUnitOfWork, PriceChangeFeed
from social_scale_core.clock import Clock
from social_scale_core.delivery.model import Delivery, DeliveryKind
from social_scale_core.errors import NotFound, ProviderError
from social_scale_core.panel.provider import Balance

log = logging.getLogger("social_scale.alerts")


@frozen
class AlertPorts:
    uow: Callable[[], AlertsUnitOfWork]
    clock: Clock
    balance: Callable[[], Balance]
    prices: PriceChangeFeed
    notifier: AlertNotifier
    thresholds: AlertThresholds = field(factory=AlertThresholds)
    recipients: tuple[str, ...] = ()  # ALERT_EMAIL; empty: every admin
    mail_domain: str = "socialscale.local"


def _balance(ports: AlertPorts) -> Balance | None:
    try:
        return ports.balance()
    except ProviderError as exc:
        log.warning("alert_balance_unknown error=%s", exc)
        return None


@frozen
class Outside:
    """What the round reads before its transaction: the panel's balance (None when the
    panel did not answer) and the catalog's recent price changes (their own storage)."""

    balance: Balance | None
    prices: list[Condition]


def read_outside(ports: AlertPorts, now: datetime) -> Outside:
    """The panel is asked for its balance only when a balance threshold is set."""
    limits = ports.thresholds
    since = now - timedelta(seconds=limits.recent_seconds)
    wanted = limits.balance_below is not None or limits.balance_days is not None
    return Outside(_balance(ports) if wanted else None,
                   price_conditions(ports.prices.significant_since(since)))


def current_conditions(ports: AlertPorts, uow: AlertsUnitOfWork, now: datetime,
                       outside: Outside) -> dict[AlertKind, list[Condition] | None]:
    """Every kind's conditions now; None for a kind that could not be judged."""
    facts, limits = uow.alert_facts, ports.thresholds
    found: dict[AlertKind, list[Condition] | None] = dict(order_conditions(facts, now, limits))
    found[AlertKind.SYNC_STALLED] = sync_condition(facts, now, limits)
    found[AlertKind.LOW_BALANCE] = balance_condition(outside.balance, facts, now, limits)
    found[AlertKind.PRICE_CHANGE] = outside.prices
    return found


def _reconcile(uow: AlertsUnitOfWork, found: dict[AlertKind, list[Condition] | None],
               now: datetime) -> list[Alert]:
    """Resolve open alerts whose condition cleared; open one per new condition."""
    open_now = {(a.kind, a.subject): a for a in uow.alerts.open_alerts()}
    holding = {(c.kind, c.subject): c for conds in found.values() for c in conds or ()}
    judged = {kind for kind, conds in found.items() if conds is not None}
    for key, alert in open_now.items():
        if alert.kind in judged and key not in holding:
            uow.alerts.update(evolve(alert, resolved_at=now))
    opened = [Alert(str(uuid.uuid4()), c.kind, c.subject, c.message, now)
              for key, c in holding.items() if key not in open_now]
    for alert in opened:
        uow.alerts.add(alert)
    return opened


def _digest(opened: list[Alert]) -> tuple[str, str]:
    title = (f"[Social Scale] {opened[0].message}" if len(opened) == 1
             else f"[Social Scale] {len(opened)} new alerts")
    return title, "\n".join(f"- {a.kind}: {a.message}" for a in opened)


def _queue_mail(ports: AlertPorts, uow: AlertsUnitOfWork, opened: list[Alert],
                now: datetime) -> None:
    to = ports.recipients or tuple(uow.alert_facts.admin_emails())
    if not to:
        return
    title, body = _digest(opened)
    delivery_id = str(uuid.uuid4())
    uow.outbox.add(Delivery(id=delivery_id, kind=DeliveryKind.ALERT, to=to, cc=(),
                            message_id=f"<{delivery_id}@{ports.mail_domain}>", queued_at=now,
                            next_attempt_at=now, alert_id=opened[0].id,
                            message=f"{title}\n\n{body}"))


def raise_alerts(ports: AlertPorts) -> list[Alert]:
    """One round: judge every condition, open and resolve alerts (one open per subject),
    queue one digest mail to the admins for the new ones, then push the not yet pushed.
    Returns the alerts opened."""
    now = ports.clock.now()
    outside = read_outside(ports, now)  # before the transaction: they use their own
    with ports.uow() as uow:
        opened = _reconcile(uow, current_conditions(ports, uow, now, outside), now)
        if opened:
            _queue_mail(ports, uow, opened, now)
        uow.commit()
    push_alerts(ports)
    return opened


def push_alerts(ports: AlertPorts) -> int:
    """Push open alerts not yet pushed, as one digest; retried next round if it fails."""
    with ports.uow() as uow:
        pending = uow.alerts.unnotified(100)
    if not pending or not ports.notifier.notify(*_digest(pending)):
        return 0
    now = ports.clock.now()
    with ports.uow() as uow:
        uow.alerts.mark_notified([a.id for a in pending], now)
        uow.commit()
    return len(pending)


def acknowledge(ports: AlertPorts, alert_id: str) -> Alert:
    """Mark an alert seen (idempotent); NotFound for an unknown id. Commits."""
    now = ports.clock.now()
    with ports.uow() as uow:
        alert = uow.alerts.get(alert_id)
        if alert is None:
            raise NotFound("No such alert.")
        if alert.acked_at is None:
            alert = evolve(alert, acked_at=now)
            uow.alerts.update(alert)
            uow.commit()
    return alert


def list_alerts(ports: AlertPorts, open_only: bool, limit: int,
                offset: int) -> tuple[list[Alert], int]:
    with ports.uow() as uow:
        return uow.alerts.page(open_only, limit, offset)
