"""Domain errors, one hierarchy; the HTTP layer maps each branch to a problem+json response.

    DomainError
    ├── ValidationFailed          bad input, with per-field messages
    │   └── InvalidResetToken     a password-reset token that is unknown, used or expired
    ├── NotFound                  an entity that does not exist (or is deleted)
    ├── Conflict                  the request clashes with the current state
    │   ├── AdminExists
    │   ├── IdempotencyConflict   same Idempotency-Key, different body
    │   ├── IdempotencyInProgress same Idempotency-Key, first request still running
    │   ├── DuplicateOrder        an idempotency key or apiOrderId already stored
    │   ├── RefillNotAvailable    the order's service (or state) allows no refill
    │   ├── CancelNotAvailable    the order's service takes no cancels
    │   └── IllegalTransition     a status change the lifecycle forbids
    ├── AuthError                 401: who are you?
    │   ├── InvalidCredentials
    │   └── InvalidToken
    ├── Forbidden                 403: known, but not allowed
    │   └── BootstrapRequired     register without the right X-Bootstrap-Token
    ├── RateLimited               429, with seconds to wait
    ├── Overloaded                503: this worker is at its bound (password hashing)
    ├── StorageUnavailable        503: the database connection was lost mid-work
    ├── MailNotSent               the mail server refused or could not be reached
    └── ProviderError             the panel (Fampage) misbehaved; see ports.provider
        ├── ProviderRejected      the panel answered with an error message
        │   └── OrderRejected     ... to an order action; the reason picks the 4xx
        ├── ProviderUnavailable   refused, 5xx, 429
        │   ├── PanelBusy         our own call budget is spent: the call was not made
        │   └── OrderNotSent      `add` surely not sent; the order is recorded failed
        ├── ProviderTimeout       no answer in time
        │   └── OrderOutcomeUnknown  `add` outcome lost; the order is recorded unknown
        ├── ProviderBadResponse   an answer we cannot read
        └── ProviderOutcomeUnknown  `add` may or may not have placed the order
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen


@frozen
class FieldError:
    """One bad input field: `field` is the client's (camelCase, dotted) name."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code = "domain_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class ValidationFailed(DomainError):
    code = "validation_error"

    def __init__(self, errors: Sequence[FieldError], detail: str = "") -> None:
        super().__init__(detail or "; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = tuple(errors)

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])


class InvalidResetToken(ValidationFailed):
    code = "invalid_reset_token"

    def __init__(self) -> None:
        super().__init__([FieldError("token", "is invalid, already used or expired")])


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class AdminExists(Conflict):
    code = "admin_exists"


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class AuthError(DomainError):
    code = "unauthorized"


class InvalidCredentials(AuthError):
    code = "invalid_credentials"


class InvalidToken(AuthError):
    code = "invalid_token"


class Forbidden(DomainError):
    code = "forbidden"


class BootstrapRequired(Forbidden):
    code = "bootstrap_required"


class Overloaded(DomainError):
    """Too much slow work at once in this process; retry after `retry_after` seconds."""

    code = "overloaded"

    def __init__(self, retry_after: int, detail: str = "Busy; try again shortly") -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class StorageUnavailable(DomainError):
    """The storage's connection broke (a restart, a killed backend): the work was not
    done, or not known to be. A read may be run again on a fresh connection
    (`ports.uow.read_retrying`); a write never is, blindly."""

    code = "storage_unavailable"

    def __init__(self, detail: str = "The database connection was lost; try again.") -> None:
        super().__init__(detail)
        self.retry_after = 1


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int, detail: str = "Too many requests") -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class MailNotSent(DomainError):
    """A Mailer could not deliver; `detail` says why (never the mail's content)."""

    code = "mail_not_sent"


class ProviderError(DomainError):
    code = "provider_error"


class ProviderRejected(ProviderError):
    """The panel understood the call and said no; `detail` is the panel's own message."""

    code = "provider_error"  # API.md: every 502 from the panel is `provider_error`


class ProviderUnavailable(ProviderError):
    code = "provider_unavailable"


class PanelBusy(ProviderUnavailable):
    """The panel call budget (PANEL_CALLS_PER_MINUTE) had no call left in time: nothing
    was sent; retry after `retry_after` seconds."""

    code = "panel_busy"

    def __init__(self, retry_after: int, detail: str = "") -> None:
        super().__init__(detail or (
            "The panel's call budget is used up for now; nothing was sent to the panel. "
            f"Try again in {max(1, int(retry_after))} s."))
        self.retry_after = max(1, int(retry_after))


class ProviderTimeout(ProviderError):
    code = "provider_timeout"


class ProviderBadResponse(ProviderError):
    code = "provider_error"


class ProviderOutcomeUnknown(ProviderError):
    """`add` was sent but its answer never arrived intact: the order may exist."""

    code = "provider_timeout"  # API.md has three upstream codes; 504 is this one


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"


class RefillNotAvailable(Conflict):
    code = "refill_not_available"


class CancelNotAvailable(Conflict):
    code = "cancel_not_available"


class DuplicateOrder(Conflict):
    """The storage already holds an order with this `field` (idempotencyKey, apiOrderId)."""

    code = "duplicate_order"

    def __init__(self, field: str, detail: str = "") -> None:
        super().__init__(detail or f"An order with this {field} already exists.")
        self.field = field


class _OrderProblem:
    """Mixin: the internal order id travels with the error (as `orderId` in the problem)."""

    order_id: str | None

    @property
    def extra(self) -> dict[str, object]:
        return {"orderId": self.order_id}


# HTTP status for each rejection reason; anything else the panel refuses is 422.
REJECTION_STATUS = {"insufficient_funds": 402, "active_order": 409, "refused": 409,
                    "provider_config": 502, "panel_unavailable": 503}


class OrderRejected(_OrderProblem, ProviderRejected):
    """The panel refused an order action; `detail` is its message, `reason` our reading
    of it (e.g. insufficient_funds, bad_link, bad_quantity), `field` the input it blames."""

    code = "provider_rejected"

    def __init__(self, detail: str, reason: str, field: str | None = None,
                 order_id: str | None = None) -> None:
        super().__init__(detail)
        self.reason, self.field, self.order_id = reason, field, order_id

    @property
    def http_status(self) -> int:
        return REJECTION_STATUS.get(self.reason, 422)

    @property
    def extra(self) -> dict[str, object]:
        errors = [{"field": self.field, "message": self.detail}] if self.field else None
        return {"orderId": self.order_id, "reason": self.reason, "errors": errors}


class OrderNotSent(_OrderProblem, ProviderUnavailable):
    """`busy`: the call budget refused it (answered as `panel_busy`, with Retry-After)."""

    def __init__(self, detail: str, order_id: str, *, busy: PanelBusy | None = None) -> None:
        super().__init__(detail)
        self.order_id = order_id
        if busy is not None:
            self.code, self.retry_after = busy.code, busy.retry_after


class OrderOutcomeUnknown(_OrderProblem, ProviderTimeout):
    """The order is recorded `unknown` for review; it is never re-sent automatically."""

    def __init__(self, order_id: str, detail: str = "") -> None:
        super().__init__(detail or (
            "The panel's answer to the order never arrived: the order may or may not exist "
            f"there. It is recorded as unknown ({order_id}) for review and will not be re-sent."
        ))
        self.order_id = order_id
