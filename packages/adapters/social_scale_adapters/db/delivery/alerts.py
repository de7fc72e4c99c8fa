"""Alerts on SQL, and the facts their conditions are judged from."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from social_scale_core.alerts.model import Alert, AlertKind
from social_scale_core.invoicing.figures import format_money
from sqlalchemy import Row, func, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from social_scale_adapters.db.auth.auth_tables import users
from social_scale_adapters.db.companies import companies
from social_scale_adapters.db.delivery.delivery_tables import alerts
from social_scale_adapters.db.invoices.invoice_mapping import INVOICE
from social_scale_adapters.db.invoices.invoice_tables import invoices
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.orders.sync_claims import open_orders
from social_scale_adapters.db.panel.integration_logs import integration_logs
from social_scale_adapters.db.types import UTCDateTime, money_sum

_a = alerts.c
SYNC_ACTIONS = ("status", "statuses")  # the sync's calls (a balance check is not the sync)
FACTS_LIMIT = 500  # subjects per kind and round: the rest wait for the next rounds


def _alert(row: Row[Any]) -> Alert:
    return Alert(id=row.id, kind=AlertKind(row.kind), subject=row.subject, message=row.message,
                 opened_at=row.opened_at, resolved_at=row.resolved_at, acked_at=row.acked_at,
                 notified_at=row.notified_at)


class SqlAlertRepository:
    """AlertRepository on one Session; the partial unique index keeps one open per subject."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, alert: Alert) -> None:
        self._session.execute(insert(alerts).values(
            id=alert.id, kind=alert.kind.value, subject=alert.subject, message=alert.message,
            opened_at=alert.opened_at, resolved_at=alert.resolved_at, acked_at=alert.acked_at,
            notified_at=alert.notified_at))

    def get(self, alert_id: str) -> Alert | None:
        row = self._session.execute(select(alerts).where(_a.id == alert_id)).first()
        return _alert(row) if row else None

    def update(self, alert: Alert) -> None:
        self._session.execute(update(alerts).where(_a.id == alert.id).values(
            message=alert.message, resolved_at=alert.resolved_at, acked_at=alert.acked_at,
            notified_at=alert.notified_at))

    def open_alerts(self) -> list[Alert]:
        rows = self._session.execute(select(alerts).where(_a.resolved_at.is_(None)))
        return [_alert(r) for r in rows]

    def page(self, open_only: bool, limit: int, offset: int) -> tuple[list[Alert], int]:
        where = [_a.resolved_at.is_(None)] if open_only else []
        total = self._session.scalar(select(func.count()).select_from(alerts).where(*where))
        rows = self._session.execute(select(alerts).where(*where)
                                     .order_by(_a.opened_at.desc(), _a.id).limit(limit)
                                     .offset(offset))
        return [_alert(r) for r in rows], int(total or 0)

    def unnotified(self, limit: int) -> list[Alert]:
        rows = self._session.execute(select(alerts).where(
            _a.resolved_at.is_(None), _a.notified_at.is_(None))
            .order_by(_a.opened_at, _a.id).limit(limit))
        return [_alert(r) for r in rows]

    def mark_notified(self, alert_ids: list[str], at: datetime) -> None:
        self._session.execute(update(alerts).where(_a.id.in_(alert_ids)).values(notified_at=at))


class SqlAlertFacts:
    """AlertFacts on one Session (read-only)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def orders_in_status(self, status: str, changed_since: datetime | None = None,
                         created_before: datetime | None = None) -> list[tuple[str, str]]:
        o = orders.c
        where = [o.status == status]
        if changed_since is not None:
            where.append(o.updated_at >= changed_since)
        if created_before is not None:
            where.append(o.created_at < created_before)
        rows = self._session.execute(
            select(o.id, o.api_order_id, o.service_id, o.link).where(*where)
            .order_by(o.created_at).limit(FACTS_LIMIT))
        return [(r.id, f"{r.api_order_id or r.id} (service {r.service_id}, {r.link})")
                for r in rows]

    def overdue_invoices(self, now: datetime) -> list[tuple[str, str]]:
        i, c = invoices.c, companies.c
        rows = self._session.execute(
            select(i.number, i.total, i.currency, i.due_at, c.name)
            .join(companies, companies.c.id == i.company_id, isouter=True)
            .where(i.kind == INVOICE, i.status.in_(("draft", "sent")), i.due_at < now)
            .order_by(i.due_at).limit(FACTS_LIMIT))
        return [(r.number, f"{r.number} ({r.name or 'unknown company'}, "
                           f"{format_money(r.total, r.currency)}, due {r.due_at:%Y-%m-%d})")
                for r in rows]

    def spend_since(self, since: datetime, currency: str) -> Decimal:
        o = orders.c
        total = self._session.scalar(select(money_sum(o.cost)).where(
            o.created_at >= since, o.currency == currency, o.status != "failed"))
        return Decimal(total or 0)

    def open_orders(self) -> int:
        return int(self._session.scalar(
            select(func.count()).select_from(orders).where(open_orders())) or 0)

    def last_panel_success(self) -> datetime | None:
        log = integration_logs.c
        latest = type_coerce(func.max(log.created_at), UTCDateTime())
        found: datetime | None = self._session.scalar(
            select(latest).where(log.success.is_(True), log.action.in_(SYNC_ACTIONS)))
        return found

    def admin_emails(self) -> list[str]:
        return list(self._session.scalars(select(users.c.email).order_by(users.c.email)))
