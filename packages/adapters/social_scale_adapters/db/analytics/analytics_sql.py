"""SQL building blocks of the analytics: per-order real cost and revenue, and `facts`.

`facts` is a UNION ALL of three kinds of rows, each carrying the order's dimensions:
one cost row per order (order currency), one revenue row per non-void invoice and one
per credit note against a non-void invoice (invoice currency), and for a mass order's
invoice (no order of its own) one revenue row per line naming an order, of the invoice's
or of its credit notes: the line's total, in that order's dimensions. Grouping it by any
dimensions plus currency gives exact per-currency sums in one pass, in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from social_scale_core.analytics.model import OrderScope, Period
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.selectable import Subquery

from social_scale_adapters.db.invoices.invoice_mapping import CREDIT_NOTE, INVOICE
from social_scale_adapters.db.invoices.invoice_tables import invoice_lines, invoices
from social_scale_adapters.db.orders.order_table import orders
from social_scale_adapters.db.types import Money

VOID = "void"
# Orders that ended without the panel spending anything, unless it reports a charge.
NOTHING_SPENT = ("canceled", "failed")
inv = invoices.alias("inv")
credit = invoices.alias("credit")
doc = invoices.alias("doc")
line = invoice_lines.alias("line")


def zero_money() -> ColumnElement[Any]:
    return type_coerce(literal_column("0"), Money())


def zero_int() -> ColumnElement[int]:
    return type_coerce(literal_column("0"), Integer())


def real_cost() -> ColumnElement[Any]:
    """The panel's charge when known; else nothing for canceled/failed, else the cost."""
    c = orders.c
    return case(
        (c.charge.is_not(None), c.charge),
        (c.status.in_(NOTHING_SPENT), zero_money()),
        else_=c.cost,
    )


def units() -> ColumnElement[int]:
    """Units ordered: quantity x runs (drip-feed), quantity otherwise."""
    return orders.c.quantity * func.coalesce(orders.c.runs, 1)


def month(dialect: str) -> ColumnElement[str]:
    """`YYYY-MM` of the order's creation, in UTC."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", orders.c.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", orders.c.created_at)


def slot(dialect: str) -> ColumnElement[str]:
    """The quarter-hour (UTC) of the order's creation, 'YYYY-MM-DD HH:MM' (the deltas'
    `slot`, as the triggers compute it)."""
    at = orders.c.created_at
    if dialect == "postgresql":
        utc = func.timezone("UTC", at)
        quarter = cast(func.extract("minute", utc), Integer) // 15 * 15
        return func.to_char(utc, "YYYY-MM-DD HH24:").concat(
            func.lpad(cast(quarter, Text), 2, "0"))
    return func.strftime("%Y-%m-%d %H:", at).concat(
        func.printf("%02d", cast(func.strftime("%M", at), Integer) // 15 * 15))


def order_filter(period: Period, scope: OrderScope | None = None,
                 company_ids: Sequence[str] | None = None) -> list[ColumnElement[bool]]:
    c = orders.c
    where: list[ColumnElement[bool]] = []
    if period.start is not None:
        where.append(c.created_at >= period.start)
    if period.end is not None:
        where.append(c.created_at <= period.end)
    if scope is not None and scope.company_id is not None:
        where.append(c.company_id == scope.company_id)
    if scope is not None and scope.target_key is not None:
        where.append(c.target_key == scope.target_key)
    if company_ids is not None:
        where.append(c.company_id.in_(list(company_ids)))
    return where


def _dims(dims: Mapping[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    return [expr.label(name) for name, expr in dims.items()]


def facts(dims: Mapping[str, ColumnElement[Any]], where: Sequence[ColumnElement[bool]]
          ) -> Subquery:
    """Rows (dims..., currency, rows, n, units, cost, revenue) whose sums are the figures
    (`rows`: 1 per fact, so a group exists while its sum is above 0)."""
    one: ColumnElement[int] = literal_column("1")
    cost_rows = select(
        *_dims(dims), orders.c.currency.label("currency"), one.label("rows"), one.label("n"),
        units().label("units"), real_cost().label("cost"), zero_money().label("revenue"),
    ).where(*where)
    invoiced = and_(inv.c.kind == INVOICE, inv.c.status != VOID)
    revenue_rows = select(
        *_dims(dims), inv.c.currency, one, zero_int(), zero_int(), zero_money(), inv.c.total,
    ).select_from(inv.join(orders, orders.c.id == inv.c.order_id)).where(invoiced, *where)
    credit_rows = select(
        *_dims(dims), credit.c.currency, one, zero_int(), zero_int(), zero_money(),
        credit.c.total,
    ).select_from(
        credit.join(inv, inv.c.id == credit.c.credited_invoice_id)
        .join(orders, orders.c.id == inv.c.order_id)
    ).where(credit.c.kind == CREDIT_NOTE, invoiced, *where)
    line_rows = select(
        *_dims(dims), doc.c.currency, one, zero_int(), zero_int(), zero_money(), line.c.total,
    ).select_from(
        line.join(doc, doc.c.id == line.c.invoice_id)
        .join(orders, orders.c.id == line.c.order_id)
        .outerjoin(inv, inv.c.id == doc.c.credited_invoice_id)
    ).where(or_(and_(doc.c.kind == INVOICE, doc.c.status != VOID),
                and_(doc.c.kind == CREDIT_NOTE, invoiced)), *where)
    return union_all(cost_rows, revenue_rows, credit_rows, line_rows).subquery("facts")


def invoice_of_order() -> ColumnElement[bool]:
    """ON clause of `orders LEFT JOIN inv`: the order's own invoice, or its mass order's
    (which has a line naming it)."""
    o = orders.c
    in_batch = exists(select(line.c.order_id).where(line.c.invoice_id == inv.c.id,
                                                    line.c.order_id == o.id))
    return and_(inv.c.kind == INVOICE,
                or_(inv.c.order_id == o.id, and_(inv.c.batch_id.is_not(None), in_batch)))


def sums(source: Any) -> list[ColumnElement[Any]]:
    """count, units, real cost and revenue of a facts-like source (exact integers)."""
    s = source.c
    return [
        func.coalesce(func.sum(s.n), 0).label("orders"),
        func.coalesce(func.sum(s.units), 0).label("units"),
        type_coerce(func.coalesce(func.sum(s.cost), 0), Money()).label("real_cost"),
        type_coerce(func.coalesce(func.sum(s.revenue), 0), Money()).label("revenue"),
    ]


def grouped(dims: Mapping[str, ColumnElement[Any]], where: Sequence[ColumnElement[bool]]
            ) -> Select[Any]:
    """Per (dims, currency): orders, units, real cost and revenue."""
    f = facts(dims, where)
    keys = [f.c[name] for name in dims]
    return (select(*keys, f.c.currency, *sums(f)).group_by(*keys, f.c.currency)
            .order_by(*keys, f.c.currency))


def order_revenue() -> ColumnElement[Any]:
    """Per-order revenue of an `orders LEFT JOIN inv` row: net of credit notes, 0 if void."""
    credited = (
        select(func.sum(credit.c.total))
        .where(credit.c.credited_invoice_id == inv.c.id, credit.c.kind == CREDIT_NOTE)
        .scalar_subquery()
    )
    # On a mass order's invoice: the order's line, and its credit notes' lines for it.
    lines = (
        select(func.sum(line.c.total))
        .select_from(line.join(doc, doc.c.id == line.c.invoice_id))
        .where(line.c.order_id == orders.c.id,
               or_(doc.c.id == inv.c.id,
                   and_(doc.c.credited_invoice_id == inv.c.id, doc.c.kind == CREDIT_NOTE)))
        .scalar_subquery()
    )
    return case(
        (and_(inv.c.id.is_not(None), inv.c.status != VOID, inv.c.batch_id.is_not(None)),
         type_coerce(func.coalesce(lines, 0), Money())),
        (and_(inv.c.id.is_not(None), inv.c.status != VOID),
         type_coerce(inv.c.total + func.coalesce(credited, 0), Money())),
        else_=zero_money(),
    )
