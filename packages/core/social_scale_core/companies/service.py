"""Company use cases: public creation (rate-limited per client), admin read, update, delete."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from attrs import evolve, frozen

from social_scale_core.clock import Clock
from social_scale_core.companies.model import Company, CompanyDetails, validated
from social_scale_core.companies.ports import CompaniesUowFactory, CompanyRepository
from social_scale_core.errors import FieldError, NotFound, ValidationFailed
from social_scale_core.rate_limit import RateRule, consume

DEFAULT_CREATE_RULE = RateRule(limit=20, window_seconds=3600)


@frozen
class CompanyPorts:
    uow: CompaniesUowFactory
    clock: Clock
    create_rule: RateRule = DEFAULT_CREATE_RULE


def active_company(companies: CompanyRepository, company_id: str) -> Company:
    """The company unless it is unknown or deleted (NotFound either way)."""
    company = companies.get(company_id)
    if company is None or not company.is_active:
        raise NotFound(f"No company with id {company_id}.")
    return company


# What an anonymous client may set when it creates a company (API.md); prices are not.
PUBLIC_FIELDS = ("name", "email", "phone", "address", "gstin", "state_code", "notes")
ADMIN_ONLY = {"default_invoice_multiplier": "defaultInvoiceMultiplier"}


def _refuse_admin_fields(details: CompanyDetails) -> None:
    """Creation is public: a price set there would bill the admin's next orders at a
    stranger's choice. Only `update_company` (admin) sets these."""
    given = [api for name, api in ADMIN_ONLY.items() if getattr(details, name) is not None]
    if given:
        raise ValidationFailed([FieldError(f, "unknown field") for f in given])


def create_company(ports: CompanyPorts, details: CompanyDetails, client_ip: str, *,
                   by_admin: bool = False) -> Company:
    """Creation: public unless `by_admin` (an authenticated admin's door, e.g. the
    console), and then only PUBLIC_FIELDS (ValidationFailed `unknown field` for an
    admin-only one, such as a price); validate, count the client's creation
    (RateLimited past the rule), store."""
    if not by_admin:
        _refuse_admin_fields(details)
    details = validated(details)
    now = ports.clock.now()
    company = Company(id=str(uuid.uuid4()), details=details, created_at=now, updated_at=now)
    with ports.uow() as uow:
        consume(uow.rate_limits, f"companies:create:{client_ip}", ports.create_rule, now)
        uow.companies.add(company)
        uow.commit()
    return company


def get_company(ports: CompanyPorts, company_id: str) -> Company:
    with ports.uow() as uow:
        return active_company(uow.companies, company_id)


def list_companies(
    ports: CompanyPorts, search: str | None, limit: int, offset: int
) -> tuple[list[Company], int]:
    with ports.uow() as uow:
        return uow.companies.list(search.strip() if search else None, limit, offset)


def update_company(
    ports: CompanyPorts, company_id: str, changes: Mapping[str, Any]
) -> Company:
    """Apply `changes` (CompanyDetails field names; None clears an optional field)."""
    with ports.uow() as uow:
        company = active_company(uow.companies, company_id)
        details = validated(evolve(company.details, **changes))
        company = evolve(company, details=details, updated_at=ports.clock.now())
        uow.companies.save(company)
        uow.commit()
    return company


def delete_company(ports: CompanyPorts, company_id: str) -> None:
    """Soft delete: the row and its orders stay; it disappears from lists and lookups."""
    with ports.uow() as uow:
        company = active_company(uow.companies, company_id)
        now = ports.clock.now()
        uow.companies.save(evolve(company, deleted_at=now, updated_at=now))
        uow.commit()
