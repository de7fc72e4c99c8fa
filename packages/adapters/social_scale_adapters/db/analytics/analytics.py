"""The analytics reader: every figure aggregated by the database (see `analytics_sql`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from social_scale_core.analytics.model import (
    Breakdown,
    CompanyAnalytics,
    Figures,
    Money,
    OrderProfit,
    OrderScope,
    Period,
    Stats,
)
from sqlalchemy import (
    ColumnElement,
    String,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from social_scale_adapters.db.analytics.analytics_sql import (
    facts,
    inv,
    invoice_of_order,
    order_filter,
    order_revenue,
    real_cost,
    units,
)
from social_scale_adapters.db.analytics.analytics_summary import (
    EMPTY,
    consecutive,
    fold,
    order_sums,
    per_period,
)
from social_scale_adapters.db.analytics.rollup import STATS_DIMS
from social_scale_adapters.db.analytics.rollup_read import period_rows
from social_scale_adapters.db.companies import companies
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.types import Money as MoneyType

_DIMENSIONS = ("status", "network", "service", "month")


def figures_by(rows: Iterable[Any], key: Any) -> dict[Any, Figures]:
    """Rows of (…, currency, orders, units, real_cost, revenue) folded into Figures per key."""
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    money: dict[Any, list[Money]] = defaultdict(list)
    for row in rows:
        k = key(row)
        counts[k][0] += int(row.orders)
        counts[k][1] += int(row.units)
        money[k].append(Money(row.currency, row.real_cost, row.revenue))
    return {k: Figures(n, q, tuple(sorted(money[k], key=lambda m: m.currency)))
            for k, (n, q) in counts.items()}




class SqlAnalyticsReader:
    """AnalyticsReader on one Session (SQLite and PostgreSQL)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    def summary(self, scope: OrderScope, period: Period) -> Figures:
        """A company's from the rollup; a target's in one pass over its orders, each joined
        to its invoice (the facts' three arms would read the orders three times)."""
        if scope.company_id is not None and scope.target_key is None:
            return self._company_figures(period, [scope.company_id]).get(
                scope.company_id, EMPTY)
        return fold(order_sums(self._session, order_filter(period, scope)))

    def summaries(self, scope: OrderScope, periods: Sequence[Period]) -> list[Figures]:
        """One pass over the orders when the periods follow each other (a company's come
        from the rollup, a period at a time)."""
        if len(periods) > 1 and consecutive(periods) and scope.company_id is None:
            return per_period(self._session, scope, periods)
        return [self.summary(scope, period) for period in periods]

    def companies(self, period: Period, limit: int,
                  offset: int) -> tuple[list[CompanyAnalytics], int]:
        c = companies.c
        total = self._session.execute(select(func.count()).select_from(companies)).scalar_one()
        page = self._session.execute(
            select(c.id, c.name, c.deleted_at).order_by(c.name, c.id).limit(limit).offset(offset)
        ).all()
        ids = [row.id for row in page]
        figures = self._company_figures(period, ids) if ids else {}
        services, networks = self._usage(order_filter(period, company_ids=ids))
        return [
            CompanyAnalytics(
                company_id=row.id, name=row.name, deleted=row.deleted_at is not None,
                figures=figures.get(row.id, EMPTY), services_used=services.get(row.id, 0),
                networks=tuple(networks.get(row.id, ())),
            )
            for row in page
        ], int(total)

    def company_figures(self, period: Period, company_ids: Sequence[str]) -> dict[str, Figures]:
        return self._company_figures(period, list(company_ids))

    def _company_figures(self, period: Period, ids: list[str]) -> dict[str, Figures]:
        """Each company's figures in the period, from the rollup's 'company' rows."""
        src = union_all(*period_rows(self._dialect, period, ("company",), ids)).cte("src")
        return figures_by(self._session.execute(
            _sums(src, literal("company", String), src.c.key, literal(None, String),
                  [src.c.key])), lambda row: row.key)

    def _usage(self, where: Sequence[ColumnElement[bool]]
               ) -> tuple[dict[str, int], dict[str, list[str]]]:
        """Services and networks each company used: one pass over its orders, read off
        the covering index (company_id, created_at) INCLUDE (network, service_id)."""
        o = orders.c
        services: dict[str, set[int]] = defaultdict(set)
        networks: dict[str, set[str]] = defaultdict(set)
        for company_id, network, service_id in self._session.execute(
            select(o.company_id, o.network, o.service_id).where(*where).distinct()
        ):
            services[company_id].add(service_id)
            networks[company_id].add(network)
        return ({k: len(v) for k, v in services.items()},
                {k: sorted(v) for k, v in networks.items()})

    def stats(self, period: Period) -> Stats:
        """From the rollup and the pending deltas for the whole months and days of the
        period, and from the orders themselves for its partial days (`rollup_periods`):
        a few thousand rows, whatever the number of orders."""
        parts = period_rows(self._dialect, period, STATS_DIMS)
        src = union_all(*parts).cte("src").prefix_with("MATERIALIZED")
        none = literal(None, String)
        rows = self._session.execute(union_all(
            _sums(src, src.c.dim, src.c.key, func.max(src.c.label), [src.c.dim, src.c.key]),
            _sums(src, literal("month", String), src.c.month, none, [src.c.month],
                  by_status=True),
            _sums(src, literal("total", String), none, none, [], by_status=True),
        )).all()
        by: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by[row.dim].append(row)
        return Stats(
            totals=figures_by(by["total"], lambda _r: None).get(None, EMPTY),
            **{f"by_{d}": self._breakdown(by[d]) for d in _DIMENSIONS},
        )

    @staticmethod
    def _breakdown(rows: list[Any]) -> tuple[Breakdown, ...]:
        labels = {row.key: row.label for row in rows}
        figures = figures_by(rows, lambda row: row.key)
        ordered = sorted(figures, key=lambda k: (len(k), k) if k.isdigit() else (0, k))
        return tuple(Breakdown(k, figures[k], labels.get(k)) for k in ordered)

    def orders(self, scope: OrderScope, period: Period, limit: int,
               offset: int) -> tuple[list[OrderProfit], int]:
        where = order_filter(period, scope)
        total = self._session.execute(
            select(func.count()).select_from(orders).where(*where)).scalar_one()
        o = orders.c
        query = (
            select(o.id, o.api_order_id, o.company_id, o.service_id, o.service_name, o.network,
                   o.link, o.target_key, units().label("units"), o.status, o.currency, o.cost,
                   o.charge, real_cost().label("real_cost"), inv.c.id.label("invoice_id"),
                   inv.c.status.label("invoice_status"), inv.c.currency.label("inv_currency"),
                   order_revenue().label("revenue"), o.created_at)
            .select_from(orders.outerjoin(inv, invoice_of_order()))
            .where(*where).order_by(o.created_at.desc(), o.id.desc())
            .limit(limit).offset(offset)
        )
        return [_profit(row) for row in self._session.execute(query)], int(total)


def _sums(src: Any, dim: Any, key: Any, label: Any, group: list[Any], *,
          by_status: bool = False) -> Any:
    """Sums per (dim, key, currency) of the stats' source, leaving out groups with no
    facts. Month and total sum the 'status' rows: each fact appears there exactly once."""
    s = src.c
    query = select(
        dim.label("dim"), key.label("key"), label.label("label"), s.currency,
        func.sum(s.orders).label("orders"), func.sum(s.units).label("units"),
        type_coerce(func.sum(s.real_cost), MoneyType()).label("real_cost"),
        type_coerce(func.sum(s.revenue), MoneyType()).label("revenue"),
    )
    if by_status:
        query = query.where(s.dim == "status")
    return query.group_by(*group, s.currency).having(func.sum(s.rows) > 0)


def _profit(row: Any) -> OrderProfit:
    return OrderProfit(
        order_id=row.id, api_order_id=row.api_order_id, company_id=row.company_id,
        service_id=row.service_id, service_name=row.service_name, network=row.network,
        link=row.link, target_key=row.target_key, units=int(row.units), status=row.status,
        currency=row.currency, cost=row.cost, charge=row.charge, real_cost=row.real_cost,
        invoice_id=row.invoice_id, invoice_status=row.invoice_status,
        revenue_currency=row.inv_currency, revenue=row.revenue, created_at=row.created_at,
    )


__all__ = ["SqlAnalyticsReader", "facts"]
