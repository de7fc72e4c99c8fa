"""Storage port of the companies area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from social_scale_core.companies.model import Company
from social_scale_core.ports.rate_limits import RateLimitStore
from social_scale_core.ports.uow import UnitOfWork


class CompanyRepository(Protocol):
    """Companies by id; soft-deleted ones stay stored (and `get` returns them)."""

    def add(self, company: Company) -> None: ...

    def get(self, company_id: str) -> Company | None:
        """The company, deleted or not; None if no such id was ever stored."""
        ...

    def save(self, company: Company) -> None:
        """Write back every field of an existing company."""
        ...

    def list(self, search: str | None, limit: int, offset: int) -> tuple[list[Company], int]:
        """Companies not deleted, newest first, whose name or email contains `search`
        (case-insensitive, taken literally); with the total count of matches."""
        ...


class CompaniesUnitOfWork(UnitOfWork, Protocol):
    # Read-only members, so that a UoW holding concrete repositories satisfies them.
    @property
    def companies(self) -> CompanyRepository: ...

    @property
    def rate_limits(self) -> RateLimitStore: ...


CompaniesUowFactory = Callable[[], CompaniesUnitOfWork]
