"""The PDF a client can pay from: seller block, words, bank and UPI details, the UPI QR code
(decoded from a rendered page), watermarks, and credit notes as documents of their own."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from social_scale_adapters.pdf.blocks import Letterhead, LogoNotReadable, read_logo
from social_scale_adapters.pdf.invoice import ReportlabInvoiceRenderer, make_invoice_renderer
from social_scale_core.invoicing import (
    InvoicePolicy,
    TaxMode,
    adjust_for_order_outcome,
    change_status,
)
from social_scale_core.invoicing.documents import invoice_pdf
from social_scale_core.invoicing.model import IST, InvoiceStatus
from social_scale_core.invoicing.payment import PaymentDetails

from tests.contract.test_invoice_pdf import NOW, SELLER, invoice_for, text_of

PAYMENT = PaymentDetails("HDFC Bank", "Social Scale Marketing LLP", "50200012345678",
                         "HDFC0001234", "socialscale@okhdfc")
WORDS = "Rupees Fourteen Thousand One Hundred Forty-Nine and Nine Paise Only"
UPI = ("upi://pay?pa=socialscale@okhdfc&pn=Social%20Scale%20Marketing%20LLP&am=14149.09"
       "&cu=INR&tn=SS%2F26-27%2F000001")


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGB", (300, 100), (20, 90, 160)).save(path)
    return path


@pytest.fixture(scope="module")
def renderer(logo: Path) -> ReportlabInvoiceRenderer:
    return make_invoice_renderer(None, IST, Letterhead("+91 98450 12345", None, PAYMENT),
                                 str(logo))


def gst_invoice():  # type: ignore[no-untyped-def]
    return invoice_for(InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST))


def decode_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    """Render page 1 with poppler's pdftoppm and read every QR code on it with zxing-cpp."""
    zxingcpp = pytest.importorskip("zxingcpp")
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    source = tmp_path / "invoice.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(source),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_pdf_says_who_bills_how_much_in_words_and_how_to_pay(
        renderer: ReportlabInvoiceRenderer) -> None:
    invoice, _ = gst_invoice()
    text = text_of(renderer.render(invoice, [], NOW))
    for expected in ("Social Scale Marketing LLP", "12 MG Road, Bengaluru",
                     "GSTIN: 29ABCDE1234F1Z5", "billing@socialscale.example",
                     "Phone: +91 98450 12345", "₹14,149.09", WORDS, "How to pay",
                     "Bank: HDFC Bank", "Account no.: 50200012345678", "IFSC: HDFC0001234",
                     "UPI ID: socialscale@okhdfc", "Reference: SS/26-27/000001"):
        assert expected in text.replace("\n", " "), expected
    lowered = text.lower()
    assert "7.77" not in lowered and "multiplier" not in lowered and "cost" not in lowered


def test_the_qr_code_decodes_to_the_upi_link_for_the_exact_amount(
        renderer: ReportlabInvoiceRenderer, tmp_path: Path) -> None:
    invoice, _ = gst_invoice()
    assert decode_qr(renderer.render(invoice, [], NOW), tmp_path) == [UPI]


def test_watermarks_follow_the_status(renderer: ReportlabInvoiceRenderer,
                                      tmp_path: Path) -> None:
    invoice, store = gst_invoice()
    assert "DRAFT" in text_of(renderer.render(invoice, [], NOW)).splitlines()
    change_status(store.factory(), invoice.id, InvoiceStatus.SENT, NOW, "admin")
    sent = store.invoices[invoice.id]
    lines = text_of(renderer.render(sent, [], NOW)).splitlines()
    assert not {"DRAFT", "VOID", "PAID"} & set(lines)
    change_status(store.factory(), invoice.id, InvoiceStatus.VOID, NOW, "admin")
    void = renderer.render(store.invoices[invoice.id], [], NOW)
    text = text_of(void)
    assert "VOID" in text.splitlines() and "How to pay" not in text
    assert decode_qr(void, tmp_path) == []  # nothing invites payment of a void invoice


def test_a_credit_note_is_a_document_of_its_own(renderer: ReportlabInvoiceRenderer) -> None:
    policy = InvoicePolicy(seller=SELLER, tax_mode=TaxMode.GST)
    invoice, store = invoice_for(policy)
    for status in (InvoiceStatus.SENT, InvoiceStatus.PAID):
        change_status(store.factory(), invoice.id, status, NOW, "admin")
    with store.factory()() as uow:
        adjust_for_order_outcome(uow, "o1", 100000, 60000, NOW, policy)
        uow.commit()
    (note,) = store.credit_notes.values()
    paid = text_of(renderer.render(store.invoices[invoice.id], [note], NOW))
    assert "PAID" in paid.splitlines() and "How to pay" not in paid
    document = invoice_pdf(store.factory(), renderer, note.id, NOW)
    assert document.file_name == "CN-26-27-000001.pdf"
    reader = PdfReader(io.BytesIO(document.content))
    assert reader.metadata is not None and reader.metadata.title == "Credit note CN/26-27/000001"
    text = text_of(document.content)
    for expected in ("Credit note", "CN/26-27/000001", "Against invoice", "SS/26-27/000001",
                     "Total credited (INR)", "₹5,659.64",
                     "Rupees Five Thousand Six Hundred Fifty-Nine and Sixty-Four Paise Only"):
        assert expected in text, expected
    assert "-₹" not in text and "multiplier" not in text.lower()


def test_an_unpaid_invoice_nets_its_credit_notes_in_words(
        renderer: ReportlabInvoiceRenderer, tmp_path: Path) -> None:
    invoice, _ = gst_invoice()
    late = text_of(renderer.render(invoice, [], NOW + timedelta(days=30)))
    assert "OVERDUE" in late and WORDS in late.replace("\n", " ")
    assert decode_qr(renderer.render(invoice, [], NOW + timedelta(days=30)), tmp_path) == [UPI]


def test_without_payment_details_there_is_no_payment_block() -> None:
    invoice, _ = gst_invoice()
    plain = make_invoice_renderer(None, IST)
    text = text_of(plain.render(invoice, [], NOW))
    assert "How to pay" not in text and WORDS in text.replace("\n", " ")


def test_a_bad_logo_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(LogoNotReadable, match=r"bad\.png"):
        read_logo(str(tmp_path / "bad.png"))
    with pytest.raises(LogoNotReadable, match="not a file"):
        read_logo(str(tmp_path / "none.png"))
