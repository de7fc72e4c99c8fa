"""The deferred invoice renderer (issue 17, memory): reportlab is loaded with the first PDF,
built once however many threads ask at once, and what can be checked without it is
checked when the renderer is made (the app's start): the font file and the logo."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image
from social_scale_adapters.pdf.deferred import DeferredInvoiceRenderer
from social_scale_adapters.pdf.font_files import FontNotFound
from social_scale_adapters.pdf.logo import LogoNotReadable
from social_scale_core.invoicing.model import IST, InvoicePolicy
from social_scale_core.invoicing.payment import PaymentDetails

from tests.contract.test_invoice_pdf import NOW, SELLER, invoice_for, text_of

PAYMENT = PaymentDetails(upi_id="socialscale@okhdfc")


def test_the_first_render_builds_it_once_and_draws_the_letterhead(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (20, 90, 160)).save(logo)
    renderer = DeferredInvoiceRenderer(None, IST, phone="+91 98450 12345", payment=PAYMENT,
                                       logo_path=str(logo))
    assert not renderer.built
    invoice, _ = invoice_for(InvoicePolicy(seller=SELLER))
    builds: list[int] = []
    build = renderer._build

    def counted():  # type: ignore[no-untyped-def]
        builds.append(1)
        return build()

    renderer._build = counted  # type: ignore[method-assign]
    start = threading.Barrier(8)
    pdfs: list[bytes] = []

    def render() -> None:
        start.wait()
        pdfs.append(renderer.render(invoice, [], NOW))

    threads = [threading.Thread(target=render) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert renderer.built and len(builds) == 1 and len(pdfs) == 8
    text = text_of(pdfs[0])
    assert invoice.number in text and "+91 98450 12345" in text and "How to pay" in text


def test_a_bad_logo_or_font_is_named_when_it_is_made(tmp_path: Path) -> None:
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(LogoNotReadable, match=r"bad\.png.*not a readable image"):
        DeferredInvoiceRenderer(None, IST, logo_path=str(tmp_path / "bad.png"))
    with pytest.raises(LogoNotReadable, match="not a file"):
        DeferredInvoiceRenderer(None, IST, logo_path=str(tmp_path / "none.png"))
    with pytest.raises(FontNotFound, match="INVOICE_FONT_PATH"):
        DeferredInvoiceRenderer(str(tmp_path / "missing.ttf"), IST)
