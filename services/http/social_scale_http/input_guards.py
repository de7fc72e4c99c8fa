"""Input the storage cannot take: NUL characters and integers beyond 64 bits, refused early.

PostgreSQL refuses NUL (0x00) in text, and neither SQLite nor PostgreSQL stores an integer
outside the signed 64-bit range; without these checks such input reached the database and
came back as a 500. Path parameters that carry them name nothing (404); query and body
fields are bad input (422 naming the field).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import falcon
from pydantic import BaseModel
from social_scale_core.errors import FieldError, ValidationFailed

INT64_MAX = 2**63 - 1
NUL = "\x00"


def nul_fields(data: Any, prefix: str = "") -> Iterator[str]:
    """Dotted names (as the client sent them) of every string holding a NUL character."""
    if isinstance(data, str):
        if NUL in data:
            yield prefix or "body"
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if NUL in str(key):
                yield name
            else:
                yield from nul_fields(value, name)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            yield from nul_fields(value, f"{prefix}.{i}" if prefix else str(i))


def huge_ints(value: Any, prefix: str = "") -> Iterator[str]:
    """Dotted client names of every integer in a validated model outside signed 64 bits."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > INT64_MAX:
            yield prefix or "body"
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            alias = field.alias or name
            yield from huge_ints(getattr(value, name), f"{prefix}.{alias}" if prefix else alias)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from huge_ints(item, f"{prefix}.{i}" if prefix else str(i))


def check_raw(data: Any) -> None:
    """ValidationFailed naming each field whose text holds a NUL character."""
    bad = list(nul_fields(data))
    if bad:
        raise ValidationFailed([FieldError(f, "must not contain NUL characters") for f in bad])


def check_model(model: BaseModel) -> None:
    """ValidationFailed naming each integer field too large to be stored."""
    bad = list(huge_ints(model))
    if bad:
        raise ValidationFailed([FieldError(f, "is out of range") for f in bad])


def check_path(params: dict[str, Any]) -> None:
    """404 for a path parameter that cannot name anything stored."""
    for value in params.values():
        too_big = isinstance(value, int) and not isinstance(value, bool) and (
            abs(value) > INT64_MAX)
        if too_big or (isinstance(value, str) and NUL in value):
            raise falcon.HTTPNotFound()
