"""The invoice policy (numbering, due days, GST, the agency as seller) built from settings."""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from social_scale_adapters.pdf.deferred import DeferredInvoiceRenderer
from social_scale_adapters.pdf.logo import LogoNotReadable
from social_scale_core.invoicing.model import BillingParty, InvoicePolicy, TaxMode
from social_scale_core.invoicing.numbering import check_prefix
from social_scale_core.invoicing.payment import PaymentDetails

from social_scale_wiring.settings import ConfigError, Settings


def agency(settings: Settings) -> BillingParty:
    """The agency as the seller on every invoice."""
    return BillingParty(
        name=settings.agency_legal_name, gstin=settings.agency_gstin,
        state_code=settings.agency_state_code, address=settings.agency_address,
        email=settings.agency_email,
    )


def build_invoice_policy(settings: Settings) -> InvoicePolicy:
    """Raise ConfigError (one line) for settings that cannot produce lawful invoices."""
    try:
        zone = ZoneInfo(settings.invoice_timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"INVOICE_TIMEZONE {settings.invoice_timezone!r} is unknown") from exc
    seller = agency(settings)
    mode = TaxMode(settings.invoice_tax_mode)
    if mode is TaxMode.GST and not (seller.gstin and seller.gst_state):
        raise ConfigError("INVOICE_TAX_MODE=gst needs AGENCY_GSTIN (and AGENCY_STATE_CODE)")
    try:
        for prefix in (settings.invoice_number_prefix, settings.invoice_credit_note_prefix):
            check_prefix(prefix)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if settings.invoice_default_multiplier < settings.invoice_min_multiplier:
        raise ConfigError(
            f"INVOICE_DEFAULT_MULTIPLIER ({settings.invoice_default_multiplier}) is below "
            f"INVOICE_MIN_MULTIPLIER ({settings.invoice_min_multiplier})")
    if settings.invoice_number_prefix == settings.invoice_credit_note_prefix:
        raise ConfigError("INVOICE_CREDIT_NOTE_PREFIX must differ from INVOICE_NUMBER_PREFIX")
    return InvoicePolicy(
        seller=seller, prefix=settings.invoice_number_prefix,
        credit_note_prefix=settings.invoice_credit_note_prefix,
        fy_start_month=settings.invoice_fy_start_month, due_days=settings.invoice_due_days,
        tax_mode=mode, tax_inclusive=settings.invoice_tax_inclusive, timezone=zone,
        default_multiplier=settings.invoice_default_multiplier,
        min_multiplier=settings.invoice_min_multiplier,
    )


def payment_details(settings: Settings) -> PaymentDetails:
    """The agency's bank account and UPI ID, for invoices and their mails."""
    return PaymentDetails(
        bank_name=settings.agency_bank_name, account_name=settings.agency_bank_account_name,
        account_number=settings.agency_bank_account, ifsc=settings.agency_bank_ifsc,
        upi_id=settings.agency_upi_id,
    )


def build_invoice_renderer(settings: Settings, zone: tzinfo) -> DeferredInvoiceRenderer:
    """The PDF renderer (reportlab loads with the first PDF); an unreadable AGENCY_LOGO_PATH
    is a ConfigError (one line) now."""
    try:
        return DeferredInvoiceRenderer(
            settings.invoice_font_path, zone, phone=settings.agency_phone,
            payment=payment_details(settings), logo_path=settings.agency_logo_path)
    except LogoNotReadable as exc:
        raise ConfigError(str(exc)) from None


def invoice_warnings(settings: Settings) -> list[str]:
    """What a production operator should fix for invoices a client can pay from (GST mode
    without AGENCY_GSTIN is refused outright by the settings)."""
    if not settings.is_production:
        return []
    found = []
    if not settings.agency_address:
        found.append("AGENCY_ADDRESS is not set: invoices show no seller address")
    if settings.agency_legal_name == "Social Scale":
        found.append("AGENCY_LEGAL_NAME is the default: invoices name 'Social Scale' as seller")
    if not (settings.agency_upi_id or settings.agency_bank_account):
        found.append("neither AGENCY_UPI_ID nor AGENCY_BANK_ACCOUNT is set: invoices "
                     "do not say how to pay")
    return found
