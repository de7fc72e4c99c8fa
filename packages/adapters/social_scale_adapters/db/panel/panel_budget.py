"""The panel call budget's buckets (one row per panel key), shared by every process."""

from __future__ import annotations

import secrets

from social_scale_core.errors import ProviderUnavailable
from sqlalchemy import BigInteger, Column, Engine, String, Table, bindparam, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from social_scale_adapters.db.metadata import metadata

panel_call_budget = Table(
    "panel_call_budget",
    metadata,
    # A digest of the panel's API key: never the key itself.
    Column("key", String(64), primary_key=True),
    # When the bucket would be full again, microseconds since the epoch (model.py).
    Column("tat_us", BigInteger, nullable=False),
    # Who took the last token: a grant's statement returns its own nonce.
    Column("grant_nonce", String(32), nullable=False),
)


_UNREADABLE = "the panel call budget could not be read ({}); nothing was sent to the panel"


class SqlBudgetStore:
    """BudgetStore on the engine: each `take` is one upsert in its own short transaction
    (on its own pooled connection, never the caller's unit of work; the app gives it the
    autocommit engine, where that one statement is the transaction). The row lock
    (PostgreSQL) or the write lock (SQLite) makes concurrent takes queue for a moment.
    A database error is ProviderUnavailable: the panel call is not made (and an `add`
    that never left is recorded failed, not unknown)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._insert = (postgresql.insert if engine.dialect.name == "postgresql"
                        else sqlite.insert)

    def take(self, key: str, now: int, interval: int, limit: int) -> int | None:
        nonce = secrets.token_hex(16)
        t = panel_call_budget.c
        now_p = bindparam("now", now, type_=BigInteger)
        step = bindparam("interval", interval, type_=BigInteger)
        current = case((t.tat_us > now_p, t.tat_us), else_=now_p)
        granted = current + step <= now_p + bindparam("limit", limit, type_=BigInteger)
        insert = self._insert(panel_call_budget).values(key=key, tat_us=now + interval,
                                                        grant_nonce=nonce)
        stmt = insert.on_conflict_do_update(
            index_elements=[t.key],
            set_={"tat_us": case((granted, current + step), else_=t.tat_us),
                  "grant_nonce": case((granted, nonce), else_=t.grant_nonce)},
        ).returning(t.tat_us, t.grant_nonce)
        try:
            with self._engine.begin() as conn:
                tat, winner = conn.execute(stmt).one()
        except SQLAlchemyError as exc:
            raise ProviderUnavailable(_UNREADABLE.format(type(exc).__name__)) from exc
        if winner == nonce:
            return None
        return max(1, int(tat) + interval - limit - now)

    def hold(self, key: str, until: int, interval: int, limit: int) -> None:
        t = panel_call_budget.c
        held = bindparam("held", until + limit - interval, type_=BigInteger)
        insert = self._insert(panel_call_budget).values(
            key=key, tat_us=until + limit - interval, grant_nonce="hold")
        stmt = insert.on_conflict_do_update(
            index_elements=[t.key],
            set_={"tat_us": case((t.tat_us < held, held), else_=t.tat_us)},
        )
        try:
            with self._engine.begin() as conn:
                conn.execute(stmt)
        except SQLAlchemyError as exc:
            raise ProviderUnavailable(_UNREADABLE.format(type(exc).__name__)) from exc
