"""The company entity and the rules its details must follow (GSTIN, state code, phone)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from attrs import define, evolve, frozen

from social_scale_core.errors import FieldError, ValidationFailed
from social_scale_core.invoicing.pricing import check_multiplier

# GST state codes (01-38), plus 97 "Other Territory" and 99 "Centre Jurisdiction".
INDIAN_STATE_CODES = frozenset({f"{n:02d}" for n in range(1, 39)} | {"97", "99"})
GSTIN = re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[1-9]\d{6,14}$")
_PHONE_PUNCTUATION = re.compile(r"[\s().-]")
NAME_MAX = 200
TEXT_MAX = {"address": 1000, "notes": 5000, "email": 254}


@frozen
class CompanyDetails:
    """What a client may set on a company (API names in camelCase map 1:1)."""

    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    gstin: str | None = None
    state_code: str | None = None
    notes: str | None = None
    default_invoice_multiplier: Decimal | None = None


@define
class Company:
    """A client company; `deleted_at` set means soft-deleted (history kept, no new orders)."""

    id: str
    details: CompanyDetails
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _check_name(name: str, errors: list[FieldError]) -> str:
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        errors.append(FieldError("name", f"must be 1 to {NAME_MAX} characters"))
    return name


def _check_phone(phone: str | None, errors: list[FieldError]) -> str | None:
    if phone is None:
        return None
    compact = _PHONE_PUNCTUATION.sub("", phone)
    if not PHONE.match(compact):
        errors.append(FieldError("phone", "must be a phone number such as +919876543210"))
    return compact


def _check_tax_ids(details: CompanyDetails, errors: list[FieldError]) -> tuple[str | None, ...]:
    """GSTIN format; state code known; a GSTIN's first two digits are its state."""
    gstin = details.gstin.upper() if details.gstin else None
    state = details.state_code
    if state is not None and state not in INDIAN_STATE_CODES:
        errors.append(FieldError("stateCode", "must be a 2-digit Indian GST state code (01-38)"))
    if gstin is None:
        return gstin, state
    if not GSTIN.match(gstin) or gstin[:2] not in INDIAN_STATE_CODES:
        errors.append(FieldError("gstin", "must be a 15-character GSTIN such as 27ABCDE1234F1Z5"))
    elif state is None:
        state = gstin[:2]
    elif state != gstin[:2]:
        errors.append(FieldError("stateCode", f"does not match the GSTIN's state ({gstin[:2]})"))
    return gstin, state


def _check_texts(details: CompanyDetails, errors: list[FieldError]) -> None:
    for name, limit in TEXT_MAX.items():
        value = getattr(details, name)
        if value is not None and len(value) > limit:
            errors.append(FieldError(name, f"must be at most {limit} characters"))
    if details.email is not None and not EMAIL.match(details.email):
        errors.append(FieldError("email", "must be an email address"))


def _check_multiplier(value: Decimal | None, errors: list[FieldError]) -> None:
    if value is None:
        return
    try:
        check_multiplier(value, "defaultInvoiceMultiplier")
    except ValidationFailed as exc:
        errors.extend(exc.errors)


def validated(details: CompanyDetails) -> CompanyDetails:
    """The details cleaned (blanks dropped, GSTIN upper-cased, state taken from the GSTIN
    when absent) or ValidationFailed naming every bad field."""
    errors: list[FieldError] = []
    cleaned = evolve(
        details, email=_blank_to_none(details.email), phone=_blank_to_none(details.phone),
        address=_blank_to_none(details.address), gstin=_blank_to_none(details.gstin),
        state_code=_blank_to_none(details.state_code), notes=_blank_to_none(details.notes),
    )
    name = _check_name(details.name, errors)
    phone = _check_phone(cleaned.phone, errors)
    _check_texts(cleaned, errors)
    gstin, state = _check_tax_ids(cleaned, errors)
    _check_multiplier(cleaned.default_invoice_multiplier, errors)
    if errors:
        raise ValidationFailed(errors)
    return evolve(cleaned, name=name, phone=phone, gstin=gstin, state_code=state)
