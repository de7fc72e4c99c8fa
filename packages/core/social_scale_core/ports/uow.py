"""The unit of work: one transaction, and the repositories that work inside it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self, TypeVar

from social_scale_core.errors import StorageUnavailable

T = TypeVar("T")
U = TypeVar("U", bound="UnitOfWork")


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


READ_ATTEMPTS = 3  # a lost connection is replaced by a fresh one; a read may meet two


def read_retrying(units: Callable[[], U], read: Callable[[U], T]) -> T:
    """`read(uow)` in a unit from `units`; if the storage connection was lost
    (StorageUnavailable), again in a fresh unit, on a fresh connection, up to
    READ_ATTEMPTS in all: a fresh connection can be cut too while the database restarts
    or sheds its backends. Only for work that writes nothing: a write is never repeated
    behind its caller's back."""
    for _ in range(READ_ATTEMPTS - 1):
        try:
            with units() as uow:
                return read(uow)
        except StorageUnavailable:
            continue
    with units() as uow:
        return read(uow)
