"""Version counters of the stored data (migration 0018's triggers keep them), read by the
API's conditional GETs: one indexed read of both tables in one statement.

On PostgreSQL the triggers append one `data_changes` row per writing transaction and
table (no lock any writer waits for); `current` counts them with the folded counters and,
once PENDING_FOLD rows are pending, folds them into `data_versions` in one statement (a
delete and an upsert of the same rows: the sum a reader sees is the same before and after),
then vacuums the table: its deleted rows would otherwise stay in its index until a vacuum,
and every version read, one per tagged GET, would wade through them (29,000 of them made a
read take 4 ms where autovacuum is off, as on the benchmark's server). On SQLite the
triggers bump `data_versions` directly and `data_changes` stays empty.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from social_scale_core.errors import StorageUnavailable
from social_scale_core.ports.uow import READ_ATTEMPTS
from sqlalchemy import BigInteger, BindParameter, Column, Engine, String, Table, bindparam, text
from sqlalchemy import func as sa_func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import DBAPIError

from social_scale_adapters.db.engine import vacuum
from social_scale_adapters.db.invoices.invoice_tables import invoices
from social_scale_adapters.db.metadata import metadata

T = TypeVar("T")
log = logging.getLogger("social_scale.data_versions")

# The tables whose rows some GET renders (each has migration 0018's trigger). Not here:
# tokens, rate limits, heartbeats, the panel call budget, invoice counters, background runs
# and the analytics rollup (derived from orders and invoices in their own transaction).
TRACKED = (
    "users", "companies", "orders", "order_status_history", "order_batches",
    "order_batch_lines", "invoices", "invoice_lines", "invoice_line_taxes",
    "invoice_history", "deliveries", "alerts", "catalog_services", "catalog_snapshots",
    "catalog_changes", "catalog_state", "providers", "integration_logs",
)
PENDING_FOLD = 500

data_versions = Table(
    "data_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)
data_changes = Table(
    "data_changes",
    metadata,
    Column("name", String(64), primary_key=True),
    # The writing transaction's id (pg_current_xact_id): one row per transaction and table.
    Column("xact", BigInteger, primary_key=True),
)

_NAMES: BindParameter[list[str]] = bindparam("names", expanding=True)
_AFTER = bindparam("after", type_=invoices.c.due_at.type)
# The folded counters, the pending change rows and the next due moment, in one statement
# (`after` NULL: no due moment is wanted, and the last column is NULL).
_READ = sa_select(
    sa_select(sa_func.coalesce(sa_func.sum(data_versions.c.version), 0))
    .where(data_versions.c.name.in_(_NAMES)).scalar_subquery(),
    sa_select(sa_func.count()).select_from(data_changes)
    .where(data_changes.c.name.in_(_NAMES)).scalar_subquery(),
    sa_select(sa_func.min(invoices.c.due_at))
    .where(invoices.c.due_at > _AFTER).scalar_subquery(),
)
_FOLD = text(
    "WITH gone AS (DELETE FROM data_changes RETURNING name) "
    "INSERT INTO data_versions (name, version) SELECT name, COUNT(*) FROM gone GROUP BY name "
    "ON CONFLICT (name) DO UPDATE SET version = data_versions.version + EXCLUDED.version"
)


class SqlDataVersions:
    """DataVersions on the engine, each read in its own short transaction."""

    def __init__(self, engine: Engine, pending_fold: int = PENDING_FOLD) -> None:
        self._engine = engine
        self._pending_fold = pending_fold

    def current(self, names: Iterable[str]) -> int:
        """The summed versions of `names`; a read, so again on a fresh connection if one
        was found broken (the pool has no pre-ping), else StorageUnavailable."""
        return self.state(names, None)[0]

    def next_due(self, after: datetime) -> datetime | None:
        """The earliest invoice due moment later than `after` (ix_invoices_due_at)."""
        return self.state((), after)[1]

    def state(self, names: Iterable[str], due_after: datetime | None
              ) -> tuple[int, datetime | None]:
        """Both in one statement, again on a fresh connection like `current`."""
        wanted = sorted(set(names))
        return _read_retrying(lambda: self._state(wanted, due_after))

    def _state(self, wanted: list[str], due_after: datetime | None
               ) -> tuple[int, datetime | None]:
        with self._engine.connect() as conn:
            folded, pending, due = conn.execute(
                _READ, {"names": wanted, "after": due_after}).one()
            conn.rollback()
            fold = pending >= self._pending_fold and conn.dialect.name == "postgresql"
            if fold:
                with conn.begin():
                    conn.execute(_FOLD)
        if fold:
            vacuum_changes(self._engine)  # on a connection of its own, after the fold's
        return int(folded) + int(pending), due

    def fold(self) -> None:
        """Fold the pending change rows into the counters now (PostgreSQL; a no-op on
        SQLite, which has none)."""
        if self._engine.dialect.name != "postgresql":
            return
        with self._engine.begin() as conn:
            conn.execute(_FOLD)
        vacuum_changes(self._engine)


def vacuum_changes(engine: Engine) -> None:
    """Reclaim the folded change rows now (`engine.vacuum`). A role that does not own the
    table gets PostgreSQL's warning and no vacuum, and any error is logged: the read goes
    on either way, only slower."""
    try:
        vacuum(engine, "data_changes")
    except DBAPIError:
        log.warning("data_changes_vacuum_failed", exc_info=True)


def _read_retrying(read: Callable[[], T]) -> T:
    """A read, again on a fresh connection if one was found broken (the pool has no
    pre-ping), up to READ_ATTEMPTS in all; a connection broken every time is
    StorageUnavailable."""
    for _ in range(READ_ATTEMPTS - 1):
        try:
            return read()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
    try:
        return read()
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable() from exc
        raise
