"""The `companies` table and its repository (soft delete via `deleted_at`)."""

from __future__ import annotations

from typing import Any

from social_scale_core.companies.model import Company, CompanyDetails
from sqlalchemy import Column, Index, String, Table, Text, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.types import Money, UTCDateTime

companies = Table(
    "companies",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", Text(), nullable=True),
    Column("gstin", String(15), nullable=True),
    Column("state_code", String(2), nullable=True),
    Column("notes", Text(), nullable=True),
    Column("default_invoice_multiplier", Money(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("deleted_at", UTCDateTime(), nullable=True),
    Index("ix_companies_deleted_at_created_at", "deleted_at", "created_at"),
)

_DETAILS = ("name", "email", "phone", "address", "gstin", "state_code", "notes",
            "default_invoice_multiplier")


def _company(row: Any) -> Company:
    return Company(
        id=row.id,
        details=CompanyDetails(**{name: getattr(row, name) for name in _DETAILS}),
        created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
    )


def _values(company: Company) -> dict[str, Any]:
    values = {name: getattr(company.details, name) for name in _DETAILS}
    values.update(updated_at=company.updated_at, deleted_at=company.deleted_at)
    return values


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class SqlCompanyRepository:
    """CompanyRepository on one Session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, company: Company) -> None:
        self._session.execute(companies.insert().values(
            id=company.id, created_at=company.created_at, **_values(company)
        ))

    def get(self, company_id: str) -> Company | None:
        row = self._session.execute(
            select(companies).where(companies.c.id == company_id)
        ).first()
        return _company(row) if row else None

    def save(self, company: Company) -> None:
        self._session.execute(
            update(companies).where(companies.c.id == company.id).values(**_values(company))
        )

    def list(self, search: str | None, limit: int, offset: int) -> tuple[list[Company], int]:
        where: list[ColumnElement[bool]] = [companies.c.deleted_at.is_(None)]
        if search:
            pattern = like_pattern(search)
            where.append(or_(
                func.lower(companies.c.name).like(pattern, escape="\\"),
                func.lower(companies.c.email).like(pattern, escape="\\"),
            ))
        total = self._session.execute(
            select(func.count()).select_from(companies).where(*where)
        ).scalar_one()
        rows = self._session.execute(
            select(companies).where(*where)
            .order_by(companies.c.created_at.desc(), companies.c.id)
            .limit(limit).offset(offset)
        ).all()
        return [_company(row) for row in rows], int(total)
