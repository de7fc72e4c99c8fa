"""The unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self


class UnitOfWork(Protocol):
    """One atomic piece of work.

    Use as `with uow_factory() as uow: ...; uow.commit()`. Nothing is committed implicitly:
    leaving the block without `commit()` (or through an exception) rolls everything back.
    Each area of the core declares its own sub-Protocol listing the repositories it needs.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
