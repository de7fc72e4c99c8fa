"""Who a panel call is made for: a context variable the integration log reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_company_id: ContextVar[str | None] = ContextVar("provider_call_company_id", default=None)


@contextmanager
def provider_call_context(company_id: str | None) -> Iterator[None]:
    """Within this block, panel calls are logged as made for `company_id` (None: nobody)."""
    token = _company_id.set(company_id)
    try:
        yield
    finally:
        _company_id.reset(token)


def current_company_id() -> str | None:
    """The company of the innermost enclosing `provider_call_context`, if any."""
    return _company_id.get()
