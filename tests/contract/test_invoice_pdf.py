"""The invoice PDF, read back with pypdf: what it must show, and what it must never show."""

from __future__ import annotations

import io
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from attrs import evolve
from pypdf import PdfReader
from reportlab import rl_config
from social_scale_adapters.pdf.font_files import SYSTEM_FONTS, FontNotFound, find_font
from social_scale_adapters.pdf.fonts import InvoiceFont
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
from social_scale_core.money import round_cents

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


def test_each_line_multiplies_out_as_printed(renderer: ReportlabInvoiceRenderer) -> None:
    """1000 units for ₹149.31 used to print a unit price of ₹0.1493 (x 1000 = ₹149.30)."""
    store = InvoicingStore()
    with store.factory()() as uow:
        invoice = issue_invoice(uow, InvoiceRequest(
            "o1", "c1", "INR", Decimal("149.31"), Decimal(1), "Likes", 1000, BUYER,
        ), NOW, InvoicePolicy(seller=SELLER))
        uow.commit()
    rows = text_of(renderer.render(invoice, [], NOW)).splitlines()
    assert "Rate per 1,000" in rows and "₹0.1493" not in rows
    quantity, rate, amount = rows[rows.index("Likes") + 1:rows.index("Likes") + 4]
    assert (quantity, rate, amount) == ("1,000", "₹149.31", "₹149.31")


@pytest.mark.parametrize(("cost", "quantity", "rate"), [
    ("1543.2109", 100000, "₹123.4569"), ("12.5", 1500, "₹66.667"), ("0.0125", 7, "₹14.29"),
    ("1", 3, "₹2,666.67"),
])
def test_the_rate_per_thousand_gives_back_the_amount(
    renderer: ReportlabInvoiceRenderer, cost: str, quantity: int, rate: str,
) -> None:
    store = InvoicingStore()
    with store.factory()() as uow:
        invoice = issue_invoice(uow, InvoiceRequest(
            "o1", "c1", "INR", Decimal(cost), Decimal(8), "Views", quantity, BUYER,
        ), NOW, InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST))
        uow.commit()
    rows = text_of(renderer.render(invoice, [], NOW)).splitlines()
    at = rows.index("Views")
    sac, shown_quantity, shown_rate, amount = rows[at + 1:at + 5]
    assert (sac, shown_quantity, shown_rate) == ("998361", f"{quantity:,}", rate)
    value = Decimal(shown_rate.strip("₹").replace(",", "")) * quantity / 1000
    assert f"₹{round_cents(value):,}" == amount == f"₹{invoice.subtotal:,}"


def test_long_text_wraps_and_many_lines_run_onto_pages_that_repeat_the_head(
    renderer: ReportlabInvoiceRenderer,
) -> None:
    invoice, _ = invoice_for(InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST))
    long_word = "https://instagram.com/" + "x" * 120
    many = tuple(evolve(invoice.lines[0], description=f"Line {n} " + "word " * 30)
                 for n in range(1, 61))
    wide = evolve(invoice.lines[0], description=f"Reel views for {long_word} (Refill 30D)")
    pdf = renderer.render(evolve(invoice, lines=(wide, *many)), [], NOW)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 2
    assert all("Description" in p and "Rate per 1,000" in p for p in pages[:-1])
    text = "\n".join(pages)
    assert long_word in text.replace("\n", "") and "(Refill 30D)" in text
    assert all(f"Line {n} word" in text for n in range(1, 61))
    assert text.count("₹11,990.75") == 62 and text.count("Total (INR)") == 1
    assert text.index("Line 60 word") < text.index("Total (INR)") < text.index("Please quote")


def test_renders_in_parallel_threads_equal_serial_ones(
    renderer: ReportlabInvoiceRenderer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gunicorn's threads render at once; reportlab subsets the one shared font on save."""
    monkeypatch.setattr(rl_config, "invariant", 1)  # no timestamp or random id: comparable
    invoice, _ = invoice_for(InvoicePolicy(seller=SELLER))
    docs = [evolve(invoice, number=f"SS/26-27/{n:06d}", lines=(
        evolve(invoice.lines[0], description=f"Item {n} Ωμέγα Жук"),)) for n in range(300)]
    serial = [renderer.render(d, [], NOW) for d in docs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: unguarded, about 1 render in 50 failed
    try:
        with ThreadPoolExecutor(8) as pool:
            parallel = list(pool.map(lambda d: renderer.render(d, [], NOW), docs))
    finally:
        sys.setswitchinterval(interval)
    assert parallel == serial
