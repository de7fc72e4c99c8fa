"""The panel's stored records as plain data: the provider row and the integration log's
entries. Lowest in the panel package: the ports and the use cases import it, it imports
neither, which keeps `integration_log`, `ports` and `provider_record` out of a circle."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from attrs import frozen

FAMPAGE = "Fampage"


@frozen
class ProviderConfig:
    """What configuration says about the panel; the record mirrors it."""

    base_url: str
    currency: str
    is_sandbox: bool
    name: str = FAMPAGE


@frozen
class ProviderRecord:
    """The stored provider row that orders point to (`provider_id`)."""

    id: str
    name: str
    base_url: str
    currency: str
    is_sandbox: bool
    created_at: datetime
    updated_at: datetime

    def matches(self, config: ProviderConfig) -> bool:
        return (self.base_url, self.currency, self.is_sandbox) == (
            config.base_url, config.currency, config.is_sandbox
        )


@frozen
class IntegrationLogEntry:
    """One stored panel call; `company_id` is who it was made for, if anyone."""

    id: str
    action: str
    request: dict[str, str]
    response: str | None
    status_code: int | None
    duration_ms: int
    success: bool
    error: str | None
    company_id: str | None
    created_at: datetime

    @property
    def response_data(self) -> Any:
        """The response as the panel's JSON (fractions as exact Decimals) when it was JSON
        and kept whole; else its text as stored (HTML error pages, truncated answers)."""
        if self.response is None:
            return None
        try:
            return json.loads(self.response, parse_float=Decimal,
                              parse_constant=lambda name: name)
        except (ValueError, RecursionError):
            return self.response


@frozen
class LogQuery:
    """Filters of the log listing; None means any."""

    action: str | None = None
    success: bool | None = None
    company_id: str | None = None
