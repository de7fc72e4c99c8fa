"""The invoice renderer, built with its first PDF.

reportlab and the registered font hold about 11 MB in each process, and most API workers
never draw a PDF (issue 17, memory). What can be checked without reportlab is checked when
the renderer is made, that is when the app starts: the font file is found (FontNotFound)
and the logo is an image (LogoNotReadable). The reportlab renderer is built once, under a
lock, by the first render in the process.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from social_scale_core.invoicing.model import CreditNote, Invoice
from social_scale_core.invoicing.payment import PaymentDetails
from social_scale_core.invoicing.ports import InvoiceRenderer

from social_scale_adapters.pdf.font_files import find_font
from social_scale_adapters.pdf.logo import check_logo


class DeferredInvoiceRenderer:
    """InvoiceRenderer that builds the reportlab one on first use."""

    def __init__(self, font_path: str | None, zone: tzinfo, *, phone: str | None = None,
                 payment: PaymentDetails | None = None, logo_path: str | None = None) -> None:
        self._font: Path = find_font(font_path)
        check_logo(logo_path)
        self._zone, self._phone, self._logo_path = zone, phone, logo_path
        self._payment = payment or PaymentDetails()
        self._lock = threading.Lock()
        self._built: InvoiceRenderer | None = None

    @property
    def built(self) -> bool:
        return self._built is not None

    def _renderer(self) -> InvoiceRenderer:
        built = self._built
        if built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._build()
                built = self._built
        return built

    def _build(self) -> InvoiceRenderer:
        from social_scale_adapters.pdf.blocks import Letterhead, read_logo
        from social_scale_adapters.pdf.fonts import InvoiceFont
        from social_scale_adapters.pdf.invoice import ReportlabInvoiceRenderer

        head = Letterhead(self._phone, read_logo(self._logo_path), self._payment)
        return ReportlabInvoiceRenderer(InvoiceFont(self._font), self._zone, head)

    def render(self, invoice: Invoice, credit_notes: Sequence[CreditNote], now: datetime) -> bytes:
        return self._renderer().render(invoice, credit_notes, now)

    def render_credit_note(self, note: CreditNote, invoice: Invoice, now: datetime) -> bytes:
        return self._renderer().render_credit_note(note, invoice, now)
