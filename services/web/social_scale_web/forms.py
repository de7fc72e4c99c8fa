"""Reading url-encoded forms: typed fields, and messages to show beside them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs

import falcon
from email_validator import EmailNotValidError, validate_email
from social_scale_core.errors import FieldError, ValidationFailed

MAX_FORM_BYTES = 1_048_576


def read_form(req: falcon.Request) -> dict[str, list[str]]:
    """The POSTed fields (url-encoded; anything else reads as empty)."""
    if not (req.content_type or "").startswith("application/x-www-form-urlencoded"):
        return {}
    raw = req.bounded_stream.read(MAX_FORM_BYTES)
    return parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)


class Form:
    """Typed access to a form; every bad field adds a message instead of raising."""

    def __init__(self, data: dict[str, list[str]]) -> None:
        self.data = data
        self.errors: list[FieldError] = []

    def values(self) -> dict[str, str]:
        return {name: values[-1] for name, values in self.data.items() if values}

    def many(self, name: str) -> list[str]:
        return self.data.get(name, [])

    def text(self, name: str, max_length: int = 5000) -> str | None:
        value = (self.data.get(name) or [""])[-1].strip()
        if len(value) > max_length:
            self.errors.append(FieldError(name, f"must be at most {max_length} characters"))
            return None
        return value or None

    def required(self, name: str, max_length: int = 5000) -> str:
        value = self.text(name, max_length)
        if value is None and not any(e.field == name for e in self.errors):
            self.errors.append(FieldError(name, "is required"))
        return value or ""

    def integer(self, name: str, minimum: int = 0, maximum: int = 2**62) -> int | None:
        value = self.text(name, 40)
        if value is None:
            return None
        if not value.isdigit() or not minimum <= int(value) <= maximum:
            self.errors.append(FieldError(name, f"must be a whole number from {minimum}"))
            return None
        return int(value)

    def decimal(self, name: str) -> Decimal | None:
        value = self.text(name, 40)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.errors.append(FieldError(name, "must be a number, e.g. 8 or 7.5"))
            return None
        return number

    def emails(self, name: str, most: int = 10) -> list[str]:
        """Addresses separated by commas, spaces or new lines; a bad one adds a message."""
        raw = (self.text(name, 2000) or "").replace(",", " ").split()
        if len(raw) > most:
            self.errors.append(FieldError(name, f"takes at most {most} addresses"))
            return []
        found: list[str] = []
        for address in raw:
            try:
                found.append(validate_email(address, check_deliverability=False).normalized)
            except EmailNotValidError as exc:
                self.errors.append(FieldError(name, f"has {address[:80]!r}, which is not an "
                                                    f"email address: {exc}"))
                return []
        return found

    def check(self) -> None:
        """Raise ValidationFailed with every message collected so far."""
        if self.errors:
            raise ValidationFailed(self.errors)


def messages(error: ValidationFailed) -> dict[str, str]:
    """Field -> message, the first per field, for the template to show beside inputs."""
    found: dict[str, str] = {}
    for item in error.errors:
        found.setdefault(item.field, item.message)
    return found
