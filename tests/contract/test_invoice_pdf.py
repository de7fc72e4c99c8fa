"""The invoice PDF, read back with pypdf: what it must show, and what it must never show."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from social_scale_adapters.pdf.fonts import SYSTEM_FONTS, FontNotFound, InvoiceFont, find_font
from social_scale_adapters.pdf.invoice import (
    ReportlabInvoiceRenderer,
    format_money,
    make_invoice_renderer,
)
from social_scale_core.invoicing import (
    BillingParty,
    InvoicePolicy,
    InvoiceRequest,
    TaxMode,
    adjust_for_order_outcome,
    change_status,
    issue_invoice,
)
from social_scale_core.invoicing.model import IST, InvoiceStatus

from tests.fakes.invoicing import InvoicingStore
from tests.invoice_seed import bold, fullwidth

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SELLER = BillingParty("Social Scale Marketing LLP", gstin="29ABCDE1234F1Z5", state_code="29",
                      address="12 MG Road, Bengaluru", email="billing@socialscale.example")
BUYER = BillingParty("Café Ünïcode Pvt. Ltd. 😀🇮🇳", gstin="29AAACU1234F1Z1",
                     address="Straße 5 — Жуковского 7, Αθήνα", email="accounts@cafe.example")
STYLED = bold("Instagram Followers [Refill 30D]") + " \U0001f525"


def invoice_for(policy: InvoicePolicy, store: InvoicingStore | None = None):  # type: ignore[no-untyped-def]
    store = store or InvoicingStore()
    with store.factory()() as uow:
        invoice = issue_invoice(uow, InvoiceRequest(
            "o1", "c1", "INR", Decimal("1543.2109"), Decimal("7.77"), STYLED, 100000, BUYER,
        ), NOW, policy)
        uow.commit()
    return invoice, store


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def renderer() -> ReportlabInvoiceRenderer:
    return make_invoice_renderer(None, IST)


def test_inr_invoice_for_a_unicode_company_reads_correctly(
    renderer: ReportlabInvoiceRenderer,
) -> None:
    invoice, _ = invoice_for(InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST))
    text = text_of(renderer.render(invoice, [], NOW))
    for expected in ("TAX INVOICE", "Café Ünïcode Pvt. Ltd.", "Straße 5", "Жуковского",
                     "Αθήνα", "SS/26-27/000001", "24 Nov 2026", "01 Dec 2026", "DRAFT",
                     "Instagram Followers [Refill 30D]", "998361", "CGST @ 9%", "SGST @ 9%",
                     "₹11,990.75", "₹1,079.17", "₹14,149.09", "GSTIN: 29ABCDE1234F1Z5",
                     "Social Scale Marketing LLP", "billing@socialscale.example"):
        assert expected in text, expected
    assert "😀" not in text and "🇮" not in text and "🔥" not in text
    assert "\u25a1" not in text and "\ufffd" not in text


def test_the_multiplier_and_the_panel_cost_never_appear(
    renderer: ReportlabInvoiceRenderer,
) -> None:
    invoice, _ = invoice_for(InvoicePolicy(seller=SELLER))
    text = text_of(renderer.render(invoice, [], NOW)).lower()
    for secret in ("7.77", "1543", "1,543", "multiplier", "cost", "fampage"):
        assert secret not in text, secret
    assert "invoice" in text and "₹11,990.75" in text


def test_overdue_paid_and_credit_notes_show(renderer: ReportlabInvoiceRenderer) -> None:
    policy = InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST)
    invoice, store = invoice_for(policy)
    assert "OVERDUE" in text_of(renderer.render(invoice, [], NOW + timedelta(days=8)))
    for status in (InvoiceStatus.SENT, InvoiceStatus.PAID):
        change_status(store.factory(), invoice.id, status, NOW, "admin")
    with store.factory()() as uow:
        adjust_for_order_outcome(uow, "o1", 100000, 60000, NOW, policy)
        uow.commit()
    notes = list(store.credit_notes.values())
    text = text_of(renderer.render(store.invoices[invoice.id], notes, NOW))
    assert "PAID" in text and "Paid on" in text
    assert "Credit note CN/26-27/000001" in text and "-₹5,659.64" in text
    assert "Net payable after credit notes" in text and "₹8,489.45" in text


def test_characters_without_glyphs_are_folded_or_dropped() -> None:
    font = InvoiceFont(find_font())
    assert font.printable(STYLED) == "Instagram Followers [Refill 30D]"
    assert font.printable(fullwidth("Full") + "\u200d" + fullwidth("width")
                          + " ₹ \U0001f468\u200d\U0001f469 x\ufe0f") == "Fullwidth ₹ x"
    assert font.printable("Zoë\tO'Brien &  <Co>") == "Zoë O'Brien & <Co>"
    assert all(font.covers(ch) for ch in font.printable("東京 Café ✓ ★ ⚡"))


def test_money_formats() -> None:
    assert format_money(Decimal("12345678.5"), "INR") == "₹1,23,45,678.50"
    assert format_money(Decimal("-88.5"), "INR") == "-₹88.50"
    assert format_money(Decimal("1234.5"), "USD") == "USD 1,234.50"
    assert format_money(Decimal("0.07998"), "INR", 4) == "₹0.07998"


def test_font_falls_back_to_the_system_and_says_what_is_missing(tmp_path: Path) -> None:
    system = [p for p in SYSTEM_FONTS if p.is_file()]
    if system:
        assert find_font(candidates=[tmp_path / "none.ttf", *system]) == system[0]
        font = InvoiceFont(system[0], name="SystemProbe")
        assert font.printable("Café ₹") == "Café ₹"
    with pytest.raises(FontNotFound, match="fonts-dejavu"):
        find_font(candidates=[tmp_path / "none.ttf"])
    with pytest.raises(FontNotFound, match="INVOICE_FONT_PATH"):
        find_font(str(tmp_path / "missing.ttf"))
