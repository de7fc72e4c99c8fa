"""The SQL unit of work: one Session per `with` block, explicit commit, rollback on exit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from social_scale_core.errors import StorageUnavailable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from social_scale_adapters.db.analytics.analytics import SqlAnalyticsReader
from social_scale_adapters.db.auth.auth_tables import (
    SqlRefreshTokenRepository,
    SqlResetTokenRepository,
    SqlUserRepository,
)
from social_scale_adapters.db.auth.rate_limits import SqlRateLimitStore
from social_scale_adapters.db.companies import SqlCompanyRepository
from social_scale_adapters.db.delivery.alerts import SqlAlertFacts, SqlAlertRepository
from social_scale_adapters.db.delivery.outbox import SqlOutbox
from social_scale_adapters.db.invoices.invoice_register import SqlInvoiceRegister
from social_scale_adapters.db.invoices.invoice_sources import SqlInvoiceSources
from social_scale_adapters.db.invoices.invoices import (
    SqlCreditNoteRepository,
    SqlInvoiceHistory,
    SqlInvoiceRepository,
    SqlNumberSeries,
)
from social_scale_adapters.db.orders.order_batches import SqlBatchRepository
from social_scale_adapters.db.orders.orders import SqlOrderRepository
from social_scale_adapters.db.orders.sync_claims import SqlSyncClaims
from social_scale_adapters.db.panel.catalog import SqlCatalogStore
from social_scale_adapters.db.panel.integration_logs import SqlIntegrationLogRepository
from social_scale_adapters.db.panel.providers import SqlProviderRepository


class SqlUnitOfWork:
    """Implements every area's UnitOfWork Protocol over one SQLAlchemy Session.

    Create one per piece of work from a shared factory (`SqlUnitOfWork(sessions)`); never
    share an instance between requests or threads.
    """

    session: Session

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def __enter__(self) -> Self:
        self.session = self._sessions()
        self._attach(self.session)
        return self

    def _attach(self, session: Session) -> None:
        """Build the repositories that share this unit's Session (one line per area)."""
        self.rate_limits = SqlRateLimitStore(session)
        self.companies = SqlCompanyRepository(session)
        self.orders = SqlOrderRepository(session)
        self.users = SqlUserRepository(session)
        self.refresh_tokens = SqlRefreshTokenRepository(session)
        self.reset_tokens = SqlResetTokenRepository(session)
        self.providers = SqlProviderRepository(session)
        self.integration_logs = SqlIntegrationLogRepository(session)
        self.invoices = SqlInvoiceRepository(session)
        self.credit_notes = SqlCreditNoteRepository(session)
        self.invoice_numbers = SqlNumberSeries(session)
        self.invoice_history = SqlInvoiceHistory(session)
        self.invoice_sources = SqlInvoiceSources(session)
        self.analytics = SqlAnalyticsReader(session)
        self.sync_claims = SqlSyncClaims(session)
        self.catalog = SqlCatalogStore(session)
        self.order_batches = SqlBatchRepository(session)
        self.outbox = SqlOutbox(session)
        self.invoice_register = SqlInvoiceRegister(session)
        self.alerts = SqlAlertRepository(session)
        self.alert_facts = SqlAlertFacts(session)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # The connection broke (killed backend, restart): the pool has dropped it.
            raise StorageUnavailable() from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
