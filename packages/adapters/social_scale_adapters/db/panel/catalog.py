"""The CatalogStore over SQL: the shared copy of the panel's catalog, its log and its lease."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from attrs import evolve
from social_scale_core.money import money_str
from social_scale_core.panel.catalog.model import (
    CatalogChange,
    CatalogEntry,
    CatalogState,
    ChangeKind,
    ChangeQuery,
)
from social_scale_core.panel.provider import Service
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from social_scale_adapters.db.panel.catalog_tables import (
    catalog_changes,
    catalog_services,
    catalog_snapshots,
    catalog_state,
)

STATE_ID = 1
_FIELDS = ("name", "type", "category", "network", "rate", "min", "max", "refill", "cancel",
           "currency")


def _service(row: Any) -> Service:
    return Service(service_id=int(row.service_id), name=row.name, type=row.type,
                   category=row.category, network=row.network, rate=row.rate, min=int(row.min),
                   max=int(row.max), refill=bool(row.refill), cancel=bool(row.cancel),
                   currency=row.currency)


def _entry(row: Any) -> CatalogEntry:
    return CatalogEntry(_service(row), row.removed_at)


def _change(row: Any) -> CatalogChange:
    return CatalogChange(
        id=int(row.id), service_id=int(row.service_id), name=row.name,
        kind=ChangeKind(row.kind), field=row.field, old=row.old, new=row.new,
        percent=row.percent, significant=bool(row.significant), detected_at=row.detected_at,
    )


def _values(service: Service) -> dict[str, Any]:
    return {name: getattr(service, name) for name in _FIELDS}


def _snapshot_body(services: Sequence[Service]) -> str:
    return json.dumps([{"service": s.service_id, **_values(s), "rate": money_str(s.rate, 4)}
                       for s in services], separators=(",", ":"), ensure_ascii=False)


class SqlCatalogStore:
    """CatalogStore on one Session. The lease is one conditional UPDATE of the state row
    (created on first use), which PostgreSQL's row lock and SQLite's single writer make
    atomic across processes; no transaction stays open while the panel is asked."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _ensure_state(self) -> None:
        dialect = self._session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self._session.execute(make(catalog_state).values(id=STATE_ID).on_conflict_do_nothing())

    def state(self) -> CatalogState:
        row = self._session.execute(
            select(catalog_state).where(catalog_state.c.id == STATE_ID)).first()
        if row is None:
            return CatalogState(None)
        return CatalogState(row.fetched_at, row.attempted_at, row.error, row.lease_holder,
                            row.lease_until)

    def claim(self, holder: str, now: datetime, until: datetime) -> bool:
        self._ensure_state()
        free = or_(catalog_state.c.lease_until.is_(None), catalog_state.c.lease_until < now)
        result = self._session.execute(
            update(catalog_state).where(catalog_state.c.id == STATE_ID, free)
            .values(lease_holder=holder, lease_until=until))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _held(self, holder: str) -> ColumnElement[bool]:
        return and_(catalog_state.c.id == STATE_ID, catalog_state.c.lease_holder == holder)

    def release(self, holder: str) -> None:
        self._session.execute(update(catalog_state).where(self._held(holder))
                              .values(lease_holder=None, lease_until=None))

    def entries(self) -> dict[int, CatalogEntry]:
        rows = self._session.execute(select(catalog_services)).all()
        return {int(row.service_id): _entry(row) for row in rows}

    def entry(self, service_id: int) -> CatalogEntry | None:
        row = self._session.execute(select(catalog_services).where(
            catalog_services.c.service_id == service_id)).first()
        return _entry(row) if row else None

    def listed(self) -> list[Service]:
        rows = self._session.execute(
            select(catalog_services).where(catalog_services.c.removed_at.is_(None))
            .order_by(catalog_services.c.service_id)).all()
        return [_service(row) for row in rows]

    def apply(self, holder: str, services: Sequence[Service], changes: Sequence[CatalogChange],
              now: datetime) -> list[CatalogChange] | None:
        first_load = not self._has_services()
        ended = self._session.execute(update(catalog_state).where(self._held(holder)).values(
            fetched_at=now, attempted_at=now, error=None, lease_holder=None, lease_until=None))
        if not ended.rowcount:  # type: ignore[attr-defined]
            return None
        snapshot_id: int | None = None
        if changes or first_load:
            snapshot_id = self._session.execute(insert(catalog_snapshots).values(
                fetched_at=now, services=len(services), body=_snapshot_body(services),
            ).returning(catalog_snapshots.c.id)).scalar_one()
            self._session.execute(update(catalog_state).where(catalog_state.c.id == STATE_ID)
                                  .values(snapshot_id=snapshot_id))
        self._store_services(services, now)
        if not changes:
            return []
        ids = self._session.execute(
            insert(catalog_changes).returning(catalog_changes.c.id,
                                              sort_by_parameter_order=True),
            [_change_row(c, snapshot_id) for c in changes]).scalars().all()
        return [evolve(c, id=int(i)) for c, i in zip(changes, ids, strict=True)]

    def _has_services(self) -> bool:
        return self._session.execute(select(catalog_services.c.service_id).limit(1)).first() \
            is not None

    def _store_services(self, services: Sequence[Service], now: datetime) -> None:
        stored = self.entries()
        fresh = {s.service_id: s for s in services}
        new = [{"service_id": s.service_id, **_values(s), "first_seen_at": now,
                "updated_at": now, "removed_at": None}
               for s in services if s.service_id not in stored]
        if new:
            self._session.execute(insert(catalog_services), new)
        for service_id, entry in stored.items():
            listed = fresh.get(service_id)
            if listed is None and entry.listed:
                self._set(service_id, {"removed_at": now, "updated_at": now})
            elif listed is not None and (listed != entry.service or not entry.listed):
                self._set(service_id, {**_values(listed), "removed_at": None, "updated_at": now})

    def _set(self, service_id: int, values: dict[str, Any]) -> None:
        self._session.execute(update(catalog_services)
                              .where(catalog_services.c.service_id == service_id).values(**values))

    def record_failure(self, holder: str, now: datetime, error: str) -> None:
        self._session.execute(update(catalog_state).where(self._held(holder)).values(
            attempted_at=now, error=error[:2000], lease_holder=None, lease_until=None))

    def changes(self, query: ChangeQuery, limit: int,
                offset: int) -> tuple[list[CatalogChange], int]:
        conditions = _conditions(query)
        total = self._session.execute(
            select(func.count()).select_from(catalog_changes).where(*conditions)).scalar_one()
        rows = self._session.execute(
            select(catalog_changes).where(*conditions)
            .order_by(catalog_changes.c.detected_at.desc(), catalog_changes.c.id.desc())
            .limit(limit).offset(offset)).all()
        return [_change(row) for row in rows], int(total)


def _conditions(query: ChangeQuery) -> list[ColumnElement[bool]]:
    c = catalog_changes.c
    conditions: list[ColumnElement[bool]] = []
    if query.since is not None:
        conditions.append(c.detected_at >= query.since)
    if query.service_id is not None:
        conditions.append(c.service_id == query.service_id)
    if query.kind is not None:
        conditions.append(c.kind == query.kind.value)
    if query.significant is not None:
        conditions.append(c.significant == query.significant)
    return conditions


def _change_row(change: CatalogChange, snapshot_id: int | None) -> dict[str, Any]:
    return {"snapshot_id": snapshot_id, "service_id": change.service_id, "name": change.name,
            "kind": change.kind.value, "field": change.field, "old": change.old,
            "new": change.new, "percent": change.percent, "significant": change.significant,
            "detected_at": change.detected_at}
