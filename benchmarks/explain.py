"""EXPLAIN ANALYZE of the statements the endpoints and the worker really run, captured from
the adapters themselves (no hand-copied SQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from social_scale_adapters.db.engine import make_engine, make_session_factory
from social_scale_adapters.db.uow import SqlUnitOfWork
from social_scale_core.analytics.model import OrderScope, Period
from social_scale_core.invoicing.model import InvoiceStatus
from social_scale_core.invoicing.ports import InvoiceFilter
from social_scale_core.orders.ports import OrderCursor, OrderQuery
from social_scale_core.panel.provider import OrderStatus
from sqlalchemy import event

Work = Callable[[SqlUnitOfWork], Any]


def cases(company: str, target: str) -> list[tuple[str, Work, bool]]:
    """(title, what to run, whether a sequential scan of `orders` would be a defect)."""
    now = datetime.now(UTC)
    return [
        ("company history page + count + summary",
         lambda u: (u.analytics.orders(OrderScope(company_id=company), Period(), 50, 0),
                    u.analytics.summary(OrderScope(company_id=company), Period())), True),
        ("target lookup page + count + summary",
         lambda u: (u.analytics.orders(OrderScope(target_key=target), Period(), 50, 0),
                    u.analytics.summary(OrderScope(target_key=target), Period())), True),
        ("orders of one status, a page (GET /orders?status=partial)",
         lambda u: u.orders.list(OrderQuery(status=OrderStatus.PARTIAL), 50, 0), True),
        ("orders of one company, a page (GET /orders/company/:id)",
         lambda u: u.orders.list(OrderQuery(company_id=company), 50, 0), True),
        ("worker claim (FOR UPDATE SKIP LOCKED + lease)",
         lambda u: u.sync_claims.claim(100, now, now, now + timedelta(minutes=5)), True),
        ("sync lag gauge", lambda u: u.sync_claims.oldest_check(), True),
        ("read API page (GET /orders?limit=50; total from the rollup)",
         lambda u: u.orders.list(OrderQuery(), 50, 0), True),
        ("/analytics/stats (the rollup's months + pending deltas)",
         lambda u: u.analytics.stats(Period()), True),
        ("/analytics/stats?from=2026-03-15&to=2026-09-10 (months, days, partial days)",
         lambda u: u.analytics.stats(Period(datetime(2026, 3, 15, tzinfo=UTC),
                                            datetime(2026, 9, 10, tzinfo=UTC))), True),
        ("GET /analytics, a page of 50 companies",
         lambda u: u.analytics.companies(Period(), 50, 0), True),
        *console_cases(now),
    ]


def console_cases(now: datetime) -> list[tuple[str, Work, bool]]:
    """The console's statements that grow with the data, or did (issue 14's target)."""
    zone = ZoneInfo("Asia/Kolkata")  # INVOICE_TIMEZONE's default: the console's days
    day = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    return [
        ("console: dashboard, one local day of the 30-day chart (its UTC part-days are "
         "read from the orders)",
         lambda u: u.analytics.summary(OrderScope(), Period(day - timedelta(days=1),
                                                            day - timedelta(microseconds=1))),
         True),
        ("console: dashboard, this month in local time (stats)",
         lambda u: u.analytics.stats(Period(month, now)), True),
        ("console: orders list, a keyset page half a year deep",
         lambda u: u.orders.page(OrderQuery(), 50, OrderCursor(now - timedelta(days=180),
                                                               "~")), True),
        ("console: overdue invoices, a page and the count up to 10,000",
         lambda u: u.invoices.list(InvoiceFilter(now=now, status=InvoiceStatus.OVERDUE,
                                                 count_upto=10_000)), True),
        ("console: companies list, 25 companies' figures at once",
         lambda u: u.analytics.company_figures(Period(), [c.id for c in u.companies.list(
             None, 25, 0)[0]]), True),
    ]


def explain_all(url: str, company: str, target: str) -> list[tuple[str, str, bool]]:
    """(title, plans text, True when no forbidden sequential scan of orders was used)."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    out = []
    for title, work, strict in cases(company, target):
        captured: list[tuple[str, Any]] = []

        def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any,
                    into: list[tuple[str, Any]] = captured) -> None:
            if not statement.lstrip().upper().startswith("EXPLAIN"):
                into.append((statement, params))

        event.listen(engine, "before_cursor_execute", capture)
        with SqlUnitOfWork(sessions) as uow:
            work(uow)
            uow.rollback()
        event.remove(engine, "before_cursor_execute", capture)
        plans = []
        with SqlUnitOfWork(sessions) as uow:
            raw = uow.session.connection()
            for statement, params in captured:
                if statement.lstrip().upper().startswith("SET "):
                    raw.exec_driver_sql(statement, params)  # e.g. the stats' work_mem
                    continue
                rows = raw.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params)
                plans.append("\n".join(r[0] for r in rows))
            uow.rollback()
        text = "\n\n".join(plans)
        out.append((title, text, not (strict and "Seq Scan on orders" in text)))
    engine.dispose()
    return out
