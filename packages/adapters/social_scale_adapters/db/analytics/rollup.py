"""Folding the analytics deltas into the rollup, rebuilding it, and reading it by period.

See `rollup_tables` for the model: figures = rollup + pending deltas, exact at any time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, String, cast, func, literal, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Select

from social_scale_adapters.db.analytics.analytics_sql import facts, slot
from social_scale_adapters.db.analytics.rollup_tables import (
    MEASURES,
    analytics_deltas,
    analytics_rollup,
)
from social_scale_adapters.db.orders.order_table import orders

FOLD_LOCK = 0x5CA1E_0006  # pg advisory lock: one fold at a time
_KEY = "grain, dim, key, bucket, currency"
_M = ", ".join(MEASURES)
_SUM_M = ", ".join(f"sum({m}) AS {m}" for m in MEASURES)
# Each delta row, once per grain and per dimension: months and days hold every
# dimension; all time (bucket '') the services and the companies, which have many keys
# (a status or a network has a few, read by month); slots the totals (key '*') and the
# companies (`rollup_tables`).
_GRAINS = "SELECT 'month' AS grain, 7 AS width UNION ALL SELECT 'day', 10"
_COARSE = " UNION ALL ".join(
    f"SELECT g.grain, '{dim}' AS dim, {key} AS key, substr(d.slot, 1, g.width) AS bucket, "
    f"d.currency, {label} AS label, " + ", ".join(f"d.{m}" for m in MEASURES)
    + " FROM {source} AS d CROSS JOIN (" + grains + ") AS g"
    for dim, key, label, grains in (
        ("status", "d.status", "NULL", _GRAINS), ("network", "d.network", "NULL", _GRAINS),
        ("service", "CAST(d.service_id AS VARCHAR(64))", "d.label",
         _GRAINS + " UNION ALL SELECT 'all', 0"),
        ("company", "d.company_id", "NULL", _GRAINS + " UNION ALL SELECT 'all', 0")))
_FINE = " UNION ALL ".join(
    f"SELECT 'slot' AS grain, '{dim}' AS dim, {key} AS key, d.slot AS bucket, d.currency, "
    "NULL AS label, " + ", ".join(f"d.{m}" for m in MEASURES) + " FROM {source} AS d"
    for dim, key in (("total", "'*'"), ("company", "d.company_id")))
_EXPANDED = f"{_COARSE} UNION ALL {_FINE}"
_UPSERT = (
    f"INSERT INTO analytics_rollup ({_KEY}, label, {_M}) "
    f"SELECT {_KEY}, max(label), {_SUM_M} FROM ({_EXPANDED}) AS e WHERE true "
    f"GROUP BY {_KEY} ORDER BY {_KEY} "
    f"ON CONFLICT ({_KEY}) DO UPDATE SET label = CASE WHEN "
    "excluded.label IS NULL OR analytics_rollup.label >= excluded.label "
    "THEN analytics_rollup.label ELSE excluded.label END, "
    + ", ".join(f"{m} = analytics_rollup.{m} + excluded.{m}" for m in MEASURES))
_EMPTY_GROUPS = ("DELETE FROM analytics_rollup WHERE "
                 + " AND ".join(f"{m} = 0" for m in MEASURES))


def fold(conn: Connection) -> int:
    """Move every pending delta into the rollup, in the caller's transaction; the number
    of deltas moved. On PostgreSQL one statement takes them (one snapshot, so a delta
    committed meanwhile is neither lost nor counted twice) and a concurrent fold is
    skipped; SQLite serializes writers anyway."""
    if conn.dialect.name == "postgresql":
        if not conn.execute(sql(f"SELECT pg_try_advisory_xact_lock({FOLD_LOCK})")).scalar():
            return 0
        upsert = _UPSERT.replace("{source}", "moved")
        moved = conn.execute(sql(
            f"WITH moved AS (DELETE FROM analytics_deltas RETURNING *), "
            f"folded AS ({upsert} RETURNING 1) SELECT (SELECT count(*) FROM moved)"
        )).scalar_one()
    else:
        last = conn.execute(sql("SELECT max(id) FROM analytics_deltas")).scalar()
        if last is None:
            return 0
        pending = "(SELECT * FROM analytics_deltas WHERE id <= :last)"
        conn.execute(sql(_UPSERT.replace("{source}", pending)), {"last": last})
        moved = conn.execute(sql("DELETE FROM analytics_deltas WHERE id <= :last"),
                             {"last": last}).rowcount
    if moved:
        conn.execute(sql(_EMPTY_GROUPS))
    return int(moved)


def fine_facts(dialect: str, where: list[ColumnElement[bool]]) -> Select[Any]:
    """The facts of the orders matching `where`, summed per delta dimensions: what the
    deltas of those orders' whole history add up to."""
    o = orders.c
    dims = {"slot": slot(dialect), "company_id": o.company_id, "status": o.status,
            "network": o.network, "service_id": o.service_id}
    f = facts({**dims, "label": o.service_name}, where)
    keys = [f.c[name] for name in dims]
    return (select(*keys, func.max(f.c.label).label("label"), f.c.currency,
                   func.sum(f.c.rows).label("rows"), func.sum(f.c.n).label("orders"),
                   func.sum(f.c.units).label("units"), func.sum(f.c.cost).label("real_cost"),
                   func.sum(f.c.revenue).label("revenue"))
            .group_by(*keys, f.c.currency))


def rebuild(session: Session) -> None:
    """Recompute the rollup from the orders and invoices (after a bulk load with the
    triggers off, or to check it); in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    session.execute(analytics_deltas.delete())
    session.execute(analytics_rollup.delete())
    fine = fine_facts(dialect, []).subquery()
    cols = ["slot", "currency", "company_id", "status", "network", "service_id", "label",
            *MEASURES]
    session.execute(analytics_deltas.insert().from_select(cols, select(*(fine.c[c] for c in cols))))
    fold(session.connection())


STATS_DIMS = ("status", "network", "service")
ALL_TIME_DIMS = frozenset({"service", "company"})  # the dimensions with an 'all' bucket


def expanded(source: Any, dims: tuple[str, ...], *, rollup: bool = False) -> list[Select[Any]]:
    """Rows (dim, key, month, currency, label, measures) of `dims` from a delta-shaped
    source, or from rollup rows."""
    s = source.c
    measures = [s[m] for m in MEASURES]
    if rollup:
        return [select(s.dim, s.key, func.substr(s.bucket, 1, 7).label("month"), s.currency,
                       s.label, *measures).where(s.dim.in_(dims))]
    null = literal(None, String)
    month = func.substr(s.slot, 1, 7).label("month")
    keys = {"status": (s.status, null), "network": (s.network, null),
            "service": (cast(s.service_id, String(64)), s.label)}
    return [select(literal(dim, String).label("dim"), keys[dim][0].label("key"), month,
                   s.currency, keys[dim][1].label("label"), *measures) for dim in dims]
