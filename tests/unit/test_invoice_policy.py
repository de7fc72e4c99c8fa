"""The invoice policy built from settings (environment variable names as documented)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError
from social_scale_core.invoicing import TaxMode
from social_scale_wiring.invoice_policy import build_invoice_policy
from social_scale_wiring.settings import ConfigError, Settings


def settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg, arg-type]


def test_defaults_are_ss_april_seven_days_no_tax_times_eight() -> None:
    policy = build_invoice_policy(settings())
    assert (policy.prefix, policy.credit_note_prefix, policy.fy_start_month, policy.due_days,
            policy.tax_mode, policy.tax_inclusive, policy.default_multiplier) == (
        "SS", "CN", 4, 7, TaxMode.OFF, False, Decimal(8))
    assert str(policy.timezone) == "Asia/Kolkata"


def test_environment_variables_configure_gst(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "INVOICE_TAX_MODE": "gst", "INVOICE_TAX_INCLUSIVE": "true", "AGENCY_GSTIN":
        "29ABCDE1234F1Z5", "AGENCY_LEGAL_NAME": "Social Scale LLP", "AGENCY_ADDRESS": "MG Road",
        "AGENCY_EMAIL": "billing@ss.example", "AGENCY_STATE_CODE": "", "INVOICE_DUE_DAYS": "15",
        "INVOICE_NUMBER_PREFIX": "INV", "INVOICE_FY_START_MONTH": "1",
        "INVOICE_DEFAULT_MULTIPLIER": "6.5",
    }.items():
        monkeypatch.setenv(name, value)
    policy = build_invoice_policy(Settings(_env_file=None))  # type: ignore[call-arg]
    assert policy.tax_mode is TaxMode.GST and policy.tax_inclusive
    assert policy.seller.gst_state == "29" and policy.seller.name == "Social Scale LLP"
    assert (policy.prefix, policy.fy_start_month, policy.due_days) == ("INV", 1, 15)
    assert policy.default_multiplier == Decimal("6.5")


@pytest.mark.parametrize(("env", "message"), [
    ({"invoice_timezone": "Mars/Olympus"}, "INVOICE_TIMEZONE"),
    ({"invoice_credit_note_prefix": "SS"}, "INVOICE_CREDIT_NOTE_PREFIX"),
])
def test_settings_that_cannot_make_lawful_invoices_are_refused(env: dict[str, str],
                                                               message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_invoice_policy(settings(**env))


@pytest.mark.parametrize("env", [
    {"invoice_number_prefix": "TOOLONG"}, {"invoice_number_prefix": "S S"},
    {"agency_gstin": "not-a-gstin"}, {"agency_state_code": "9"},
    {"invoice_fy_start_month": "13"}, {"invoice_default_multiplier": "0"},
    {"invoice_tax_mode": "gst"},  # GST needs the agency's GSTIN
])
def test_malformed_values_fail_at_start(env: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        settings(**env)
