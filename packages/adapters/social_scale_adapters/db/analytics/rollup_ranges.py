"""The totals and the companies' figures of many periods in one statement: each period's
plan (`rollup_periods`, with slots) as bucket ranges joined to the rollup and to the
pending deltas, plus the orders of the ends shorter than a slot.

Built as plain SQL with bound values, so that forty periods (the console's dashboard)
cost one statement and next to no Python, where a union of one select per part costs
hundreds of milliseconds to construct.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from social_scale_core.analytics.model import Period
from sqlalchemy import (
    BigInteger,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from social_scale_adapters.db.analytics.rollup import fine_facts
from social_scale_adapters.db.analytics.rollup_periods import (
    OPEN_HI,
    OPEN_LO,
    bucket_ranges,
    plan,
)
from social_scale_adapters.db.analytics.rollup_tables import MEASURES
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.types import from_stored

_SUMS = ("sum(r.rows) AS rows, sum(r.orders) AS orders, sum(r.units) AS units, "
         "sum(r.real_cost) AS real_cost, sum(r.revenue) AS revenue")


class Row(NamedTuple):
    n: int  # the period's index
    key: str  # a company id, or '*' for the totals
    currency: str
    orders: int
    units: int
    real_cost: int  # as stored: 10^-8 units (`money` makes them Decimal)
    revenue: int


class MoneyRow(NamedTuple):
    n: int
    key: str
    currency: str
    orders: int
    units: int
    real_cost: Decimal
    revenue: Decimal


def money(rows: Sequence[Row]) -> list[MoneyRow]:
    """The rows with their money as Decimal."""
    return [MoneyRow(r.n, r.key, r.currency, r.orders, r.units, from_stored(r.real_cost),
                     from_stored(r.revenue)) for r in rows]


_COLUMNS = {"q": ("n", "grain", "dim", "lo", "hi"), "qd": ("n", "lo", "hi")}


def _ranges(dialect: str, name: str) -> str:
    """The CTE of the ranges, which come as one JSON parameter (a statement of constant
    text: the driver keeps it parsed and the server prepared, whatever the ranges)."""
    columns = _COLUMNS[name]
    if dialect == "postgresql":
        types = ", ".join(f"{c} {'int' if c == 'n' else 'text'}" for c in columns)
        return (f"{name} AS (SELECT * FROM "  # noqa: S608 - constants only
                f"jsonb_to_recordset(CAST(:{name} AS jsonb)) AS t({types}))")
    picks = ", ".join(f"json_extract(value, '$.{c}') AS {c}" for c in columns)
    return f"{name} AS (SELECT {picks} FROM json_each(:{name}))"  # noqa: S608


def _arm(dialect: str, ranges: str, table: str, company: str, companies: bool,
         on: str) -> str:
    """The sums of `table` (aliased r) over each range, per key and currency. PostgreSQL
    reads each range on its own (LATERAL: an index range scan a range, whatever the
    estimates say; a join of the ranges to the rollup was planned as a scan of it). Only
    this module's constants go into the text; values are bound."""
    key, group = (company, f"{company}, ") if companies else ("'*'", "")
    sums = f"{key} AS key, r.currency AS currency, {_SUMS}"
    if dialect == "postgresql":
        return (f"SELECT {ranges}.n AS n, s.* FROM {ranges} CROSS JOIN LATERAL ("  # noqa: S608
                f"SELECT {sums} FROM {table} WHERE {on} GROUP BY {group}r.currency) AS s")
    return (f"SELECT {ranges}.n AS n, {sums} FROM {ranges} JOIN {table} ON {on} "  # noqa: S608
            f"GROUP BY {ranges}.n, {group}r.currency")


def _mine(dialect: str, column: str, some: bool) -> str:
    if not some:
        return ""
    if dialect == "postgresql":
        return f" AND {column} = ANY(CAST(:ids AS text[]))"
    return f" AND {column} IN (SELECT value FROM json_each(:ids))"  # noqa: S608


@cache
def _statement(dialect: str, companies: bool, some: bool, best: bool = False) -> TextClause:
    """The rollup's and the pending deltas' sums over the ranges, one text per shape;
    `best`: only the keys of the :count best profits in :currency (ties by key)."""
    rollup = _arm(dialect, "q", "analytics_rollup r", "r.key", companies,
                  "r.grain = q.grain AND r.dim = q.dim AND r.bucket >= q.lo AND "
                  "r.bucket < q.hi" + _mine(dialect, "r.key", some))
    deltas = _arm(dialect, "qd", "analytics_deltas r", "r.company_id", companies,
                  "r.slot >= qd.lo AND r.slot < qd.hi" + _mine(dialect, "r.company_id", some))
    sums = ", ".join(f"sum(u.{m}) AS {m}" for m in MEASURES)
    summed = (f"SELECT u.n, u.key, u.currency, {sums} FROM ({rollup} UNION ALL {deltas}) "  # noqa: S608
              "AS u GROUP BY u.n, u.key, u.currency")
    ranges = f"{_ranges(dialect, 'q')}, {_ranges(dialect, 'qd')}"
    if best:  # summed once (a CTE read twice), ranked, cut
        return text(f"WITH {ranges}, s AS ({summed}) SELECT * FROM s WHERE key IN ("  # noqa: S608
                    "SELECT key FROM s WHERE currency = :currency AND rows <> 0 ORDER BY "
                    "revenue - real_cost DESC, key DESC LIMIT :count)")
    return text(f"WITH {ranges} {summed}")


def figures_rows(session: Session, periods: Sequence[Period], *, companies: bool,
                 company_ids: Sequence[str] | None = None,
                 best: tuple[str, int] | None = None) -> list[Row]:
    """Rows of (period index, key, currency, measures): the totals (key '*') or, with
    `companies`, each company's figures (those of `company_ids`; None: all). `best`
    (currency, count): the database ranks the companies by profit and returns the best
    ones only, where no period has ends read from the orders (else every row comes)."""
    dialect = session.get_bind().dialect.name
    plans = [plan(period, fine=True) for period in periods]
    coarse, fine = ("company", "company") if companies else ("status", "total")
    ranges: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for n, (period, p) in enumerate(zip(periods, plans, strict=True)):
        in_rollup, in_deltas = bucket_ranges(p)
        if companies and period.start is None and period.end is None:
            in_rollup = [("all", (OPEN_LO, OPEN_HI))]  # one bucket a company
        ranges += [{"n": n, "grain": grain, "dim": fine if grain == "slot" else coarse,
                    "lo": lo, "hi": hi} for grain, (lo, hi) in in_rollup]
        pending += [{"n": n, "lo": lo, "hi": hi} for lo, hi in in_deltas]
    params: dict[str, Any] = {"q": json.dumps(ranges), "qd": json.dumps(pending)}
    if company_ids is not None:
        params["ids"] = list(company_ids) if dialect == "postgresql" else json.dumps(
            list(company_ids))
    edges = {p.partial for p in plans if p.partial}
    ranked = best is not None and companies and not edges
    if ranked and best:
        params.update(currency=best[0], count=best[1])
    found: list[Any] = []
    if ranges or pending:
        found += session.execute(
            _statement(dialect, companies, company_ids is not None, ranked), params).all()
    for parts in edges:
        for row in _edges(session, dialect, parts, companies, company_ids):
            found += [(n, *row) for n, p in enumerate(plans) if p.partial == parts]
    return _summed(found, merge=bool(edges))


def _edges(session: Session, dialect: str, parts: tuple[Period, ...], companies: bool,
           company_ids: Sequence[str] | None) -> list[Any]:
    """The facts of the orders in `parts` (ends shorter than a slot), summed per key."""
    params: dict[str, Any] = {f"start{i}": p.start for i, p in enumerate(parts)}
    params.update({f"end{i}": p.end for i, p in enumerate(parts)})
    if company_ids is not None:
        params["ids"] = list(company_ids)
    return list(session.execute(
        _edges_query(dialect, len(parts), companies, company_ids is not None), params).all())


@cache
def _edges_query(dialect: str, parts: int, companies: bool, some: bool) -> Select[Any]:
    """Built once per shape (constructing the facts' union costs milliseconds), with the
    bounds and the companies as parameters."""
    at = orders.c.created_at
    where = [or_(*(and_(at >= bindparam(f"start{i}"), at <= bindparam(f"end{i}"))
                   for i in range(parts)))]
    if some:
        where.append(orders.c.company_id.in_(bindparam("ids", expanding=True)))
    f = fine_facts(dialect, where).subquery()
    key = f.c.company_id if companies else literal("*", String)
    # Money as stored (10^-8 units), as the rollup's sums come back.
    query = select(key.label("key"), f.c.currency, *(
        type_coerce(func.sum(f.c[m]), BigInteger()) for m in MEASURES))
    return query.group_by(*([f.c.company_id] if companies else []), f.c.currency)


def _summed(found: list[Any], merge: bool) -> list[Row]:
    """Rows of the same (period, key, currency) added up (`merge`: the ends' rows came on
    top of the rollup's, which come summed); groups with no facts left out."""
    if merge:
        acc: dict[tuple[int, str, str], list[Any]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for n, key, currency, *measures in found:
            into = acc[(int(n), key, currency)]
            for i, value in enumerate(measures):
                into[i] += value
        found = [(*k, *m) for k, m in acc.items()]
    return [Row(int(n), key, currency, int(count), int(units), int(cost), int(revenue))
            for n, key, currency, rows, count, units, cost, revenue in found if rows]
