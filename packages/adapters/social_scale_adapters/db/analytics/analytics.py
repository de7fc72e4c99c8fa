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
    fold,
    order_sums,
)
from social_scale_adapters.db.analytics.rollup import STATS_DIMS
from social_scale_adapters.db.analytics.rollup_ranges import figures_rows, money
from social_scale_adapters.db.analytics.rollup_read import period_rows
from social_scale_adapters.db.analytics.rollup_tables import analytics_deltas, analytics_rollup
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
        """All orders' and a company's from the rollup; a target's in one pass over its
        orders, each joined to its invoice (the facts' three arms would read the orders
        three times)."""
        if scope.target_key is None:
            return self.summaries(scope, [period])[0]
        return fold(order_sums(self._session, order_filter(period, scope)))

    def summaries(self, scope: OrderScope, periods: Sequence[Period]) -> list[Figures]:
        """From the rollup, every period in one statement (all orders' or a company's);
        a target's a period at a time."""
        if scope.target_key is not None:
            return [self.summary(scope, period) for period in periods]
        ids = None if scope.company_id is None else [scope.company_id]
        found = figures_by(money(figures_rows(self._session, periods,
                                              companies=ids is not None, company_ids=ids)),
                           lambda row: row.n)
        return [found.get(n, EMPTY) for n in range(len(periods))]

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

    def company_figures(self, period: Period,
                        company_ids: Sequence[str] | None) -> dict[str, Figures]:
        return self._company_figures(period, None if company_ids is None else list(company_ids))

    def _company_figures(self, period: Period, ids: list[str] | None) -> dict[str, Figures]:
        """Each company's figures in the period, from the rollup's 'company' rows."""
        return figures_by(money(figures_rows(self._session, [period], companies=True,
                                             company_ids=ids)), lambda row: row.key)

    def _usage(self, where: Sequence[ColumnElement[bool]]
               ) -> tuple[dict[str, int], dict[str, list[str]]]:
        """Services and networks each company used, counted by the database off an index
        in its order: (company_id, network, service_id) for all time, (company_id,
        created_at) INCLUDE (network, service_id) for a period. A service belongs to one
        network, so a company's services are the sum over its networks."""
        o = orders.c
        services: dict[str, int] = defaultdict(int)
        networks: dict[str, list[str]] = defaultdict(list)
        for company_id, network, used in self._session.execute(
            select(o.company_id, o.network, func.count(o.service_id.distinct()))
            .where(*where).group_by(o.company_id, o.network).order_by(o.company_id, o.network)
        ):
            services[company_id] += int(used)
            networks[company_id].append(network)
        return services, networks

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

    def top_companies(self, period: Period, currency: str,
                      count: int) -> list[tuple[str, Figures]]:
        """Ranked by the database (or, with ends read from the orders, on the rollup's
        rows), so that only the winners become Figures."""
        rows = figures_rows(self._session, [period], companies=True, best=(currency, count))
        profit = {row.key: row.revenue - row.real_cost for row in rows
                  if row.currency == currency}  # one row a company and currency
        best = sorted(profit, key=lambda key: (profit[key], key), reverse=True)[:count]
        chosen = set(best)
        figures = figures_by(money([row for row in rows if row.key in chosen]),
                             lambda r: r.key)
        return [(key, figures[key]) for key in best]

    def status_counts(self) -> dict[str, int]:
        """The rollup's months and the pending deltas, by status: a few hundred rows."""
        r, d = analytics_rollup.c, analytics_deltas.c
        rows = self._session.execute(union_all(
            select(r.key.label("status"), func.sum(r.orders).label("n"))
            .where(r.grain == "month", r.dim == "status").group_by(r.key),
            select(d.status, func.sum(d.orders)).group_by(d.status))).all()
        counts: dict[str, int] = defaultdict(int)
        for status, n in rows:
            counts[status] += int(n)
        return {status: n for status, n in counts.items() if n}

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
