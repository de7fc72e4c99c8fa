"""Company details: cleaned and checked (GSTIN and its state, phone, email, multiplier)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from social_scale_core.companies.model import CompanyDetails, validated
from social_scale_core.errors import ValidationFailed


def bad_fields(**values: object) -> set[str]:
    with pytest.raises(ValidationFailed) as exc:
        validated(CompanyDetails(**{"name": "Client Corp", **values}))  # type: ignore[arg-type]
    return {e.field for e in exc.value.errors}


def test_blanks_become_absent_and_the_state_comes_from_the_gstin() -> None:
    details = validated(CompanyDetails(
        name="  Client Corp ", email=" ", phone="+91 98765-43210", gstin="27abcde1234f1z5",
    ))
    assert details.name == "Client Corp" and details.email is None
    assert details.phone == "+919876543210"
    assert details.gstin == "27ABCDE1234F1Z5" and details.state_code == "27"


@pytest.mark.parametrize(("values", "fields"), [
    ({"name": " "}, {"name"}),
    ({"name": "x" * 201}, {"name"}),
    ({"email": "not-an-email"}, {"email"}),
    ({"phone": "12"}, {"phone"}),
    ({"phone": "+0123456789"}, {"phone"}),
    ({"gstin": "27ABCDE1234F1X5"}, {"gstin"}),  # the 14th character must be Z
    ({"gstin": "00ABCDE1234F1Z5"}, {"gstin"}),  # no state 00
    ({"state_code": "27", "gstin": "29ABCDE1234F1Z5"}, {"stateCode"}),
    ({"state_code": "40"}, {"stateCode"}),
    ({"state_code": "7"}, {"stateCode"}),
    ({"default_invoice_multiplier": Decimal(0)}, {"defaultInvoiceMultiplier"}),
    ({"default_invoice_multiplier": Decimal("1.23456")}, {"defaultInvoiceMultiplier"}),
    ({"email": "x", "phone": "y", "state_code": "00"}, {"email", "phone", "stateCode"}),
])
def test_each_bad_field_is_named(values: dict[str, object], fields: set[str]) -> None:
    assert bad_fields(**values) == fields


def test_consistent_details_pass_unchanged() -> None:
    details = CompanyDetails(name="A", email="a@b.in", phone="+14155550100",
                             gstin="29ABCDE1234F1Z5", state_code="29",
                             default_invoice_multiplier=Decimal("7.5"))
    assert validated(details) == details
