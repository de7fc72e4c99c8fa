"""The SQL unit of work: one Session per `with` block, explicit commit, rollback on exit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from social_scale_adapters.db.rate_limits import SqlRateLimitStore


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

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
