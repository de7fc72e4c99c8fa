"""Shared pydantic building blocks for request and response bodies (camelCase JSON)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from social_scale_core.money import money_str


class ApiModel(BaseModel):
    """Request bodies: camelCase names, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=True
    )


class QueryModel(BaseModel):
    """Query strings: camelCase names, unknown parameters ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class OutModel(BaseModel):
    """Response bodies: rendered by alias (camelCase)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _utc_iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value.utcoffset() is not None else ""


UtcDateTime = Annotated[
    datetime,
    PlainSerializer(_utc_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
ProviderMoney = Annotated[
    Decimal,
    PlainSerializer(lambda d: money_str(d, 4), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{4,}$"}, mode="serialization"),
]
InvoiceMoney = Annotated[
    Decimal,
    PlainSerializer(lambda d: money_str(d, 2), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2,}$"}, mode="serialization"),
]

FIRST_YEAR, LAST_YEAR = 1970, 2100
D = TypeVar("D", date, datetime)


def in_supported_years(value: D) -> D:
    """Dates and times the storage and the time zone maths handle: years 1970..2100 (an
    offset on 0001-01-01 or 9999-12-31 would overflow on the way to UTC)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")
    return value


# A date or time filter of a query (`from`, `to`, `since`...): refused outside 1970..2100.
FilterMoment = Annotated[datetime | date, AfterValidator(in_supported_years)]

T = TypeVar("T")


class Page(OutModel, Generic[T]):
    """The list envelope of API.md."""

    items: list[T]
    total: int
    limit: int
    offset: int


class PageQuery(QueryModel):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class FieldProblem(OutModel):
    field: str
    message: str


class Problem(OutModel):
    """RFC 9457 problem details, with a stable `code` and per-field `errors`."""

    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    errors: list[FieldProblem] | None = None
    request_id: str | None = None


def dump(model: BaseModel) -> Any:
    """JSON-ready dict of a response model, by alias."""
    return model.model_dump(mode="json", by_alias=True)
