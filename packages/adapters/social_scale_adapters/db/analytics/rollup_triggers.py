"""Triggers that append each order's and invoice's effect on the figures to
`analytics_deltas` (see `rollup_tables`), for PostgreSQL (plpgsql) and SQLite.

The contribution of a row is what the analytics' `facts` (`analytics_sql`) hold for it:
an order gives one cost fact in its own dimensions; a live (non-void) invoice gives a
revenue fact, and each of its credit notes another, in its order's dimensions. A mass
order's invoice has no order: each of its lines (and of its credit notes' lines) gives a
revenue fact of its `total` in the dimensions of the order the line names. A change
appends minus the old contribution and plus the new one, so rollup + deltas always equal
a fresh aggregate. The statements differ between the two databases only in `_slot`.
"""

from __future__ import annotations

_COLUMNS = ("slot, currency, company_id, status, network, service_id, label, "
            "rows, orders, units, real_cost, revenue")
_INSERT = f"INSERT INTO analytics_deltas ({_COLUMNS}) "
LIVE_INVOICE = "{i}.kind = 'invoice' AND {i}.status <> 'void'"


def _slot(dialect: str, at: str) -> str:
    """The quarter-hour (UTC) of moment `at`, as 'YYYY-MM-DD HH:MM'."""
    if dialect == "postgresql":
        utc = f"({at} AT TIME ZONE 'UTC')"
        return (f"(to_char({utc}, 'YYYY-MM-DD HH24:') || "
                f"lpad((CAST(extract(minute FROM {utc}) AS integer) / 15 * 15)::text, 2, '0'))")
    return (f"(strftime('%Y-%m-%d %H:', {at}) || "
            f"printf('%02d', CAST(strftime('%M', {at}) AS INTEGER) / 15 * 15))")


def _dims(dialect: str, o: str) -> str:
    return (f"{_slot(dialect, f'{o}.created_at')}, {{currency}}, {o}.company_id, {o}.status, "
            f"{o}.network, "
            f"{o}.service_id, {o}.service_name")


def order_cost(dialect: str, r: str, sign: str) -> str:
    """The cost fact of order row `r` (NEW or OLD)."""
    real_cost = (f"CASE WHEN {r}.charge IS NOT NULL THEN {r}.charge "
                 f"WHEN {r}.status IN ('canceled', 'failed') THEN 0 ELSE {r}.cost END")
    return (_INSERT + "VALUES (" + _dims(dialect, r).format(currency=f"{r}.currency")
            + f", {sign}1, {sign}1, {sign}({r}.quantity * COALESCE({r}.runs, 1)), "
            f"{sign}({real_cost}), 0)")


def _revenue(dialect: str, o: str, currency: str, total: str, sign: str,
             source: str, where: str) -> str:
    return (_INSERT + "SELECT " + _dims(dialect, o).format(currency=currency)
            + f", {sign}1, 0, 0, 0, {sign}({total}) FROM {source} WHERE {where}")


def order_revenue(dialect: str, r: str, sign: str, changed: str) -> list[str]:
    """The revenue facts of order row `r`'s invoice as it stands (its dimensions are the
    order's), when `changed` (the order's dimensions moved)."""
    live = LIVE_INVOICE.format(i="i")
    return [
        _revenue(dialect, r, "i.currency", "i.total", sign, "invoices i",
                 f"i.order_id = {r}.id AND {live} AND ({changed})"),
        _revenue(dialect, r, "c.currency", "c.total", sign,
                 "invoices c JOIN invoices i ON i.id = c.credited_invoice_id",
                 f"i.order_id = {r}.id AND {live} AND c.kind = 'credit_note' AND ({changed})"),
    ]


def invoice_revenue(dialect: str, r: str, sign: str) -> list[str]:
    """The revenue facts that invoice row `r` (NEW or OLD) brings, whatever its kind: an
    invoice its own total and its credit notes'; a credit note its own."""
    live_r = LIVE_INVOICE.format(i=r)
    return [
        _revenue(dialect, "o", f"{r}.currency", f"{r}.total", sign, "orders o",
                 f"o.id = {r}.order_id AND {live_r}"),
        _revenue(dialect, "o", "c.currency", "c.total", sign,
                 f"invoices c JOIN orders o ON o.id = {r}.order_id",
                 f"c.credited_invoice_id = {r}.id AND c.kind = 'credit_note' AND {live_r}"),
        _revenue(dialect, "o", f"{r}.currency", f"{r}.total", sign,
                 "invoices i JOIN orders o ON o.id = i.order_id",
                 f"i.id = {r}.credited_invoice_id AND {r}.kind = 'credit_note' AND "
                 + LIVE_INVOICE.format(i="i")),
    ]


# Whether a line of document {d} counts: the document is a live invoice, or a credit note
# against one.
LINE_LIVE = ("(({d}.kind = 'invoice' AND {d}.status <> 'void') OR ({d}.kind = 'credit_note' "
             "AND EXISTS (SELECT 1 FROM invoices p WHERE p.id = {d}.credited_invoice_id "
             "AND p.kind = 'invoice' AND p.status <> 'void')))")


def line_revenue(dialect: str, r: str, sign: str) -> list[str]:
    """The revenue fact of invoice line row `r` (NEW or OLD) that names an order."""
    return [_revenue(dialect, "o", "d.currency", f"{r}.total", sign,
                     f"invoices d JOIN orders o ON o.id = {r}.order_id",
                     f"d.id = {r}.invoice_id AND " + LINE_LIVE.format(d="d"))]


def document_lines_revenue(dialect: str, r: str, sign: str, changed: str) -> list[str]:
    """The revenue facts of the order-naming lines of invoice row `r` and of its credit
    notes, when `changed` (what makes them count moved)."""
    return [
        _revenue(dialect, "o", f"{r}.currency", "l.total", sign,
                 "invoice_lines l JOIN orders o ON o.id = l.order_id",
                 f"l.invoice_id = {r}.id AND {LINE_LIVE.format(d=r)} AND ({changed})"),
        _revenue(dialect, "o", "c.currency", "l.total", sign,
                 "invoices c JOIN invoice_lines l ON l.invoice_id = c.id "
                 "JOIN orders o ON o.id = l.order_id",
                 f"c.credited_invoice_id = {r}.id AND c.kind = 'credit_note' AND "
                 f"{LIVE_INVOICE.format(i=r)} AND ({changed})"),
    ]


def order_lines_revenue(dialect: str, r: str, sign: str, changed: str) -> list[str]:
    """The revenue facts of the invoice lines naming order row `r`, when `changed`."""
    return [_revenue(dialect, r, "d.currency", "l.total", sign,
                     "invoice_lines l JOIN invoices d ON d.id = l.invoice_id",
                     f"l.order_id = {r}.id AND {LINE_LIVE.format(d='d')} AND ({changed})")]


ORDER_FIELDS = ("status", "charge", "cost", "quantity", "runs", "currency", "network",
                "service_id", "service_name", "created_at", "company_id")
ORDER_DIMS = ("status", "network", "service_id", "service_name", "created_at", "company_id")
INVOICE_FIELDS = ("kind", "status", "total", "currency", "order_id", "credited_invoice_id")
LINES_COUNT_BY = ("kind", "status", "currency", "credited_invoice_id")
LINE_FIELDS = ("invoice_id", "order_id", "total")


def _differ(dialect: str, fields: tuple[str, ...]) -> str:
    op = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{f} {op} NEW.{f}" for f in fields)


def _bodies(dialect: str) -> dict[tuple[str, str], list[str]]:
    """(table, event) -> the statements its row trigger runs."""
    dims_moved = _differ(dialect, ORDER_DIMS)
    lines_moved = _differ(dialect, LINES_COUNT_BY)
    return {
        ("orders", "INSERT"): [order_cost(dialect, "NEW", "")],
        ("orders", "UPDATE"): [
            order_cost(dialect, "OLD", "-"), order_cost(dialect, "NEW", ""),
            *order_revenue(dialect, "OLD", "-", dims_moved),
            *order_revenue(dialect, "NEW", "", dims_moved),
            *order_lines_revenue(dialect, "OLD", "-", dims_moved),
            *order_lines_revenue(dialect, "NEW", "", dims_moved),
        ],
        # Its invoices went first (their foreign key), each taking its revenue with it.
        ("orders", "DELETE"): [order_cost(dialect, "OLD", "-")],
        ("invoices", "INSERT"): invoice_revenue(dialect, "NEW", ""),
        ("invoices", "UPDATE"): [*invoice_revenue(dialect, "OLD", "-"),
                                 *invoice_revenue(dialect, "NEW", ""),
                                 *document_lines_revenue(dialect, "OLD", "-", lines_moved),
                                 *document_lines_revenue(dialect, "NEW", "", lines_moved)],
        ("invoices", "DELETE"): invoice_revenue(dialect, "OLD", "-"),
        # Documents are written before their lines, which come and go with them.
        ("invoice_lines", "INSERT"): line_revenue(dialect, "NEW", ""),
        ("invoice_lines", "UPDATE"): [*line_revenue(dialect, "OLD", "-"),
                                      *line_revenue(dialect, "NEW", "")],
        ("invoice_lines", "DELETE"): line_revenue(dialect, "OLD", "-"),
    }


def _when(dialect: str, table: str, event: str) -> str:
    if event != "UPDATE":
        return ""
    fields = {"orders": ORDER_FIELDS, "invoices": INVOICE_FIELDS}.get(table, LINE_FIELDS)
    return f" WHEN ({_differ(dialect, fields)})"


def _name(table: str, event: str) -> str:
    return f"trg_{table}_rollup_{event.lower()}"


def create_statements(dialect: str) -> list[str]:
    """DDL creating every rollup trigger on `dialect` ('postgresql' or 'sqlite')."""
    out: list[str] = []
    for (table, event), body in _bodies(dialect).items():
        name, when = _name(table, event), _when(dialect, table, event)
        if dialect == "postgresql":
            out.append(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger "
                       "LANGUAGE plpgsql AS $$ BEGIN " + "; ".join(body)
                       + "; RETURN NULL; END $$")
            out.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
                       f"{when} EXECUTE FUNCTION {name}()")
        else:
            out.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW"
                       f"{when} BEGIN " + "; ".join(body) + "; END")
    return out


def drop_statements(dialect: str) -> list[str]:
    out: list[str] = []
    for table, event in _bodies(dialect):
        name = _name(table, event)
        out.append(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect ==
                                                       "postgresql" else ""))
        if dialect == "postgresql":
            out.append(f"DROP FUNCTION IF EXISTS {name}()")
    return out


def set_enabled(dialect: str, enabled: bool) -> list[str]:
    """PostgreSQL: statements switching the rollup triggers off for a bulk load (which
    then calls `rollup.rebuild`) and back on. SQLite has no such switch."""
    verb = "ENABLE" if enabled else "DISABLE"
    return [f"ALTER TABLE {table} {verb} TRIGGER {_name(table, event)}"
            for table, event in _bodies(dialect)]
