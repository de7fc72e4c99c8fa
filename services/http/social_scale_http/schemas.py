"""Shared pydantic building blocks for request and response bodies (camelCase JSON)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError
from social_scale_core.money import CENT, MONEY_MAX, money_str


class ApiModel(BaseModel):
    """Request bodies: camelCase names, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=True
    )


class PublicModel(ApiModel):
    """Bodies of public (token-less) routes: exactly their documented camelCase names; a
    snake_case spelling is an unknown field too, so nothing slips past the contract."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="forbid",
        str_strip_whitespace=True,
    )


class QueryModel(BaseModel):
    """Query strings: camelCase names, unknown parameters ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class OutModel(BaseModel):
    """Response bodies: rendered by alias (camelCase)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _utc_iso(value: datetime) -> str:
    # isoformat, not strftime: a third of the cost, on every time of every listed item.
    if value.utcoffset() is None:
        return ""
    return value.isoformat(timespec="seconds")[:19] + "Z"


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
# Invoiced money (totals, revenue, profit): always exactly 2 decimals (half up).
InvoiceMoney = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{d.quantize(CENT, rounding=ROUND_HALF_UP) + 0:f}",
                    return_type=str),  # + 0: never "-0.00"
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$"}, mode="serialization"),
]
# A unit price on an invoice line: at least 2 decimals, as many as it needs to multiply out.
UnitPrice = Annotated[
    Decimal,
    PlainSerializer(lambda d: money_str(d, 2), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2,}$"}, mode="serialization"),
]
_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _amount_parser(places: int, low: Decimal | None, high: Decimal | None,
                   low_inclusive: bool) -> Any:
    """A validator of money input: a decimal string or a JSON number (read exactly, see
    `api.parse_body`), never a bool; messages in words, naming the limits."""
    shape = f"must be a decimal amount with at most {places} places"

    def parse(value: object) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
            raise PydanticCustomError("decimal_amount", shape)
        text = str(value).strip()
        if not _DECIMAL_TEXT.match(text):
            raise PydanticCustomError("decimal_amount", shape)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise PydanticCustomError("decimal_amount", shape) from None
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places and amount != amount.quantize(
                Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
            raise PydanticCustomError("decimal_amount", shape)
        _bounds(amount, low, high, low_inclusive)
        return amount

    return parse


def _bounds(amount: Decimal, low: Decimal | None, high: Decimal | None,
            low_inclusive: bool) -> None:
    too_low = low is not None and (amount < low if low_inclusive else amount <= low)
    if too_low or (high is not None and amount > high):
        least = "at least" if low_inclusive else "greater than"
        limits = [f"{least} {low}"] if low is not None else []
        limits += [f"at most {high}"] if high is not None else []
        raise PydanticCustomError("decimal_amount", "must be " + " and ".join(limits))


def _amount_schema(places: int) -> WithJsonSchema:
    pattern = rf"^\d+(\.\d{{1,{places}}})?$"
    return WithJsonSchema({"anyOf": [{"type": "string", "pattern": pattern},
                                     {"type": "number"}]}, mode="validation")


# Money inputs: a decimal string or a JSON number, exact, with words for every refusal.
Multiplier = Annotated[
    Decimal, BeforeValidator(_amount_parser(4, Decimal(0), Decimal(1000), False)),
    _amount_schema(4),
]
ChargeAmount = Annotated[
    Decimal, BeforeValidator(_amount_parser(8, Decimal(0), MONEY_MAX, True)),
    _amount_schema(8),
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
