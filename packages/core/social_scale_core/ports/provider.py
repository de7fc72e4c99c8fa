"""Port to the SMM panel. Errors raised are the ProviderError family of `errors`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from social_scale_core.panel.provider import (
    AddRequest,
    Balance,
    CancelResult,
    PanelOrder,
    PanelOrderError,
    ProviderCall,
    Service,
)


class Provider(Protocol):
    """The panel's actions (FAMPAGE_API.md).

    Every method may raise ProviderRejected (the panel said no, with its message),
    ProviderUnavailable (refused connection, 5xx, 429), ProviderTimeout or
    ProviderBadResponse (an answer that cannot be read). Read actions (services, status,
    statuses, refill_status, balance) may be retried inside the adapter; `add`, `refill`
    and `cancel` are never retried.
    """

    def services(self) -> list[Service]:
        """The whole catalog, each service with its derived `network`."""
        ...

    def add(self, request: AddRequest) -> int:
        """Place an order; return the panel's order id.

        Raises ProviderOutcomeUnknown when the request may have reached the panel but its
        answer was lost (time-out after sending, connection dropped, unreadable answer):
        the order may exist. ProviderRejected and ProviderUnavailable (connection refused
        before sending) mean it surely does not.
        """
        ...

    def status(self, order_id: int) -> PanelOrder:
        """One order's status; ProviderRejected for an id the panel does not know."""
        ...

    def statuses(self, order_ids: Sequence[int]) -> dict[int, PanelOrder | PanelOrderError]:
        """Many orders' statuses, batched by the adapter into calls of at most 100 ids."""
        ...

    def refill(self, order_id: int) -> str:
        """Ask for a refill; return the panel's refill id (as text)."""
        ...

    def refill_status(self, refill_id: str) -> str:
        """The panel's raw status text of a refill (Pending, In progress, Completed, ...)."""
        ...

    def cancel(self, order_id: int) -> CancelResult:
        """Ask the panel to cancel; `accepted` says whether it took the request."""
        ...

    def balance(self) -> Balance:
        """The account's balance in the panel's currency."""
        ...


class CallObserver(Protocol):
    """Told about every call the adapter makes (the integration log listens here).

    Must not raise: a failure to record a call never breaks the call itself.
    """

    def record(self, call: ProviderCall) -> None: ...
