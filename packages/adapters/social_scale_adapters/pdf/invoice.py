"""The invoice PDF: agency, client, number, dates, status, lines, GST breakdown, totals.

It never prints the multiplier or the panel's cost (`base_cost`, `order_cost`): those are
the agency's business, not the client's.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from social_scale_core.invoicing.model import BillingParty, CreditNote, Invoice, TaxMode
from social_scale_core.money import money_str

from social_scale_adapters.pdf.fonts import InvoiceFont, find_font

SYMBOLS = {"INR": "₹"}
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")


def indian_grouping(digits: str) -> str:
    """12345678 -> 1,23,45,678 (lakh and crore groups)."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = [head[max(0, i - 2):i] for i in range(len(head), 0, -2)][::-1]
    return ",".join([*pairs, tail])


def format_money(amount: Decimal, currency: str, places: int = 2) -> str:
    """₹1,23,456.70 for rupees, `USD 1,234.50` otherwise; a leading '-' when negative."""
    text = money_str(abs(amount), places)
    whole, _, fraction = text.partition(".")
    grouped = indian_grouping(whole) if currency == "INR" else f"{int(whole):,}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency)
    body = f"{grouped}.{fraction}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{currency} {body}"


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


class ReportlabInvoiceRenderer:
    """InvoiceRenderer with reportlab's platypus; dates shown in the invoicing time zone."""

    def __init__(self, font: InvoiceFont, zone: tzinfo) -> None:
        self._font = font
        self._zone = zone
        self._body = ParagraphStyle("body", fontName=font.name, fontSize=9, leading=12)
        self._small = ParagraphStyle("small", parent=self._body, fontSize=8, textColor=GREY)
        self._title = ParagraphStyle("title", parent=self._body, fontSize=18, leading=22)
        self._right = ParagraphStyle("right", parent=self._body, alignment=TA_RIGHT)

    def render(self, invoice: Invoice, credit_notes: Sequence[CreditNote], now: datetime) -> bytes:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
            bottomMargin=16 * mm, title=f"Invoice {invoice.number}",
            author=self._text(invoice.seller.name), subject=f"Invoice {invoice.number}",
        )
        story = [
            self._p("TAX INVOICE" if invoice.tax_mode is TaxMode.GST else "INVOICE", self._title),
            Spacer(1, 4 * mm), self._header(invoice, now), Spacer(1, 6 * mm),
            *self._party_block("Bill to", invoice.buyer), Spacer(1, 6 * mm),
            self._lines(invoice), Spacer(1, 4 * mm), self._totals(invoice, credit_notes),
            Spacer(1, 8 * mm), self._p(self._footer(invoice), self._small),
        ]
        doc.build(story)
        return buffer.getvalue()

    def _text(self, value: str | None) -> str:
        return self._font.printable(value or "")

    def _p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(self._text(text)), style or self._body)

    def _date(self, moment: datetime | None) -> str:
        return moment.astimezone(self._zone).strftime("%d %b %Y") if moment else "-"

    def _party_lines(self, party: BillingParty) -> list[str]:
        lines = [party.name, party.address or ""]
        if party.gstin:
            lines.append(f"GSTIN: {party.gstin}")
        if party.gst_state:
            lines.append(f"State code: {party.gst_state}")
        if party.email:
            lines.append(party.email)
        return [line for line in lines if line]

    def _block(self, lines: Sequence[str]) -> Paragraph:
        """Several lines in one paragraph, each cleaned and escaped."""
        return Paragraph("<br/>".join(escape(self._text(t)) for t in lines), self._body)

    def _party_block(self, title: str, party: BillingParty) -> list[Paragraph]:
        return [self._p(title, self._small), self._block(self._party_lines(party))]

    def _header(self, invoice: Invoice, now: datetime) -> Table:
        meta = [("Invoice no.", invoice.number), ("Invoice date", self._date(invoice.issued_at)),
                ("Due date", self._date(invoice.due_at)),
                ("Status", invoice.status_at(now).value.upper())]
        if invoice.paid_at:
            meta.append(("Paid on", self._date(invoice.paid_at)))
        if invoice.tax_mode is TaxMode.GST and invoice.buyer.gst_state:
            meta.append(("Place of supply", f"State code {invoice.buyer.gst_state}"))
        seller = self._block(self._party_lines(invoice.seller))
        right = Table([[self._p(k, self._small), self._p(v, self._right)] for k, v in meta],
                      colWidths=[28 * mm, 44 * mm])
        table = Table([[seller, right]], colWidths=[102 * mm, 72 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (0, 0), 0),
                                   ("RIGHTPADDING", (-1, 0), (-1, 0), 0)]))
        return table

    def _lines(self, invoice: Invoice) -> Table:
        taxed = invoice.tax_mode is TaxMode.GST
        head = ["#", "Description", *(["SAC"] if taxed else []), "Qty", "Unit price", "Amount"]
        head_right = ParagraphStyle("head_right", parent=self._small, alignment=TA_RIGHT)
        rows = [[self._p(h, head_right if n >= len(head) - 3 else self._small)
                 for n, h in enumerate(head)]]
        for i, line in enumerate(invoice.lines, start=1):
            cells = [str(i), line.description, *([line.sac or ""] if taxed else []),
                     f"{line.quantity:,}", format_money(line.unit_price, invoice.currency, 4),
                     format_money(line.amount, invoice.currency)]
            rows.append([self._p(c, self._right if n >= len(cells) - 3 else self._body)
                         for n, c in enumerate(cells)])
        widths = [8 * mm, (84 if taxed else 100) * mm, *([16 * mm] if taxed else []),
                  20 * mm, 22 * mm, 24 * mm]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                                   ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    def _totals(self, invoice: Invoice, notes: Sequence[CreditNote]) -> Table:
        cur = invoice.currency
        taxable = "Taxable value" if invoice.tax_mode is TaxMode.GST else "Subtotal"
        rows = [(taxable, format_money(invoice.subtotal, cur))]
        rows += [(f"{t.name} @ {_rate(t.rate)}", format_money(t.amount, cur))
                 for t in invoice.taxes]
        rows.append((f"Total ({cur})", format_money(invoice.total, cur)))
        for note in notes:
            rows.append((f"Credit note {note.number} ({self._date(note.issued_at)})",
                         format_money(note.total, cur)))
        if notes:
            balance = invoice.total + sum((n.total for n in notes), Decimal(0))
            rows.append(("Net payable after credit notes", format_money(balance, cur)))
        table = Table([[self._p(k, self._right), self._p(v, self._right)] for k, v in rows],
                      colWidths=[120 * mm, 54 * mm])
        total_row = len(invoice.taxes) + 1
        table.setStyle(TableStyle([("LINEABOVE", (0, total_row), (-1, total_row), 0.8, RULE)]))
        return table

    def _footer(self, invoice: Invoice) -> str:
        parts = [f"Amounts in {invoice.currency}."]
        if invoice.tax_mode is TaxMode.GST:
            parts.append("Tax payable on reverse charge: No.")
            if invoice.tax_inclusive:
                parts.append("Prices include GST.")
        parts.append(f"Please quote {invoice.number} with your payment.")
        return " ".join(parts)


def make_invoice_renderer(font_path: str | None, zone: tzinfo) -> ReportlabInvoiceRenderer:
    """The renderer with the configured font, else the packaged one, else the system's."""
    return ReportlabInvoiceRenderer(InvoiceFont(find_font(font_path)), zone)
