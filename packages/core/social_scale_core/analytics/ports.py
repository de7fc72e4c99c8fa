"""Storage port of the analytics: aggregate queries answered by the database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from social_scale_core.analytics.model import (
    CompanyAnalytics,
    Figures,
    OrderProfit,
    OrderScope,
    Period,
    Stats,
)
from social_scale_core.companies.ports import CompanyRepository
from social_scale_core.ports.uow import UnitOfWork


class AnalyticsReader(Protocol):
    """Read-only figures over orders and their invoices, following the rules of
    `analytics.model` (revenue net of credit notes, void excluded; real cost = charge,
    else cost; canceled/failed with no charge cost nothing; never adding currencies).

    Implementations aggregate in the database and never load every order into memory.
    Money lists are sorted by currency; breakdowns by key.
    """

    def companies(self, period: Period, limit: int,
                  offset: int) -> tuple[list[CompanyAnalytics], int]:
        """A page of companies (deleted ones included), by name then id, each with the
        figures of its orders in `period`; with the number of companies."""
        ...

    def stats(self, period: Period) -> Stats:
        """Totals and the breakdowns by status, network, service and month (UTC)."""
        ...

    def top_companies(self, period: Period, currency: str,
                      count: int) -> list[tuple[str, Figures]]:
        """The `count` companies (ids) with the highest profit in `currency` in `period`,
        best first, with their figures."""
        ...

    def status_counts(self) -> dict[str, int]:
        """How many orders are in each status now (statuses with none left out)."""
        ...

    def summary(self, scope: OrderScope, period: Period) -> Figures:
        """The figures of every order in scope and period."""
        ...

    def orders(self, scope: OrderScope, period: Period, limit: int,
               offset: int) -> tuple[list[OrderProfit], int]:
        """A page of the orders in scope and period, newest first, with the total."""
        ...

    def summaries(self, scope: OrderScope, periods: Sequence[Period]) -> list[Figures]:
        """`summary` of each period in turn, read at once where the scope allows."""
        ...

    def company_figures(self, period: Period,
                        company_ids: Sequence[str] | None) -> dict[str, Figures]:
        """Each company's figures in `period` (None: every company's), read at once (a
        company with no orders in it is left out); the same figures as `summary` with
        the company's scope."""
        ...


class AnalyticsUnitOfWork(UnitOfWork, Protocol):
    @property
    def analytics(self) -> AnalyticsReader: ...

    @property
    def companies(self) -> CompanyRepository: ...


AnalyticsUowFactory = Callable[[], AnalyticsUnitOfWork]
