"""Domain errors, one hierarchy; the HTTP layer maps each branch to a problem+json response.

    DomainError
    ├── ValidationFailed          bad input, with per-field messages
    ├── NotFound                  an entity that does not exist (or is deleted)
    ├── Conflict                  the request clashes with the current state
    │   ├── AdminExists
    │   ├── IdempotencyConflict   same Idempotency-Key, different body
    │   └── IllegalTransition     a status change the lifecycle forbids
    ├── AuthError                 401: who are you?
    │   ├── InvalidCredentials
    │   └── InvalidToken
    ├── RateLimited               429, with seconds to wait
    └── ProviderError             the panel (Fampage) misbehaved; see ports.provider
        ├── ProviderRejected      the panel answered with an error message
        ├── ProviderUnavailable   refused, 5xx, 429
        ├── ProviderTimeout       no answer in time
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


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int, detail: str = "Too many requests") -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class ProviderError(DomainError):
    code = "provider_error"


class ProviderRejected(ProviderError):
    """The panel understood the call and said no; `detail` is the panel's own message."""

    code = "provider_rejected"


class ProviderUnavailable(ProviderError):
    code = "provider_unavailable"


class ProviderTimeout(ProviderError):
    code = "provider_timeout"


class ProviderBadResponse(ProviderError):
    code = "provider_error"


class ProviderOutcomeUnknown(ProviderError):
    """`add` was sent but its answer never arrived intact: the order may exist."""

    code = "provider_outcome_unknown"
