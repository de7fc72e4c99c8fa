"""The invoice PDF: agency, client, number, dates, status, lines, GST breakdown, totals,
the amount in words and how to pay (bank details and a UPI QR code).

It never prints the multiplier or the panel's cost (`base_cost`, `order_cost`): those are
the agency's business, not the client's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal

from reportlab.lib.units import mm
from social_scale_core.invoicing.model import (
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    TaxMode,
)

from social_scale_adapters.pdf.blocks import (
    BODY,
    RULE,
    SMALL,
    TITLE,
    WIDTH,
    Letterhead,
    draw_logo,
    party_cell,
    payment_block,
    read_logo,
    words_row,
)
from social_scale_adapters.pdf.figures import SYMBOLS, format_money, indian_grouping
from social_scale_adapters.pdf.font_files import find_font
from social_scale_adapters.pdf.fonts import InvoiceFont
from social_scale_adapters.pdf.sheet import Cell, Sheet, Style

__all__ = ["SYMBOLS", "ReportlabInvoiceRenderer", "format_money", "indian_grouping",
           "make_invoice_renderer"]
# A line's rate is shown per 1,000 units, as the panel quotes its services: with as many
# decimals as it takes for quantity x rate / 1000 to give the line's amount as printed.
PER = 1000
WATERMARKS = {InvoiceStatus.VOID: "VOID", InvoiceStatus.DRAFT: "DRAFT",
              InvoiceStatus.PAID: "PAID"}


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


def balance_due(invoice: Invoice, notes: Sequence[CreditNote]) -> Decimal:
    """What the client still owes: the total less its credit notes (their totals are < 0)."""
    return invoice.total + sum((n.total for n in notes), Decimal(0))


class ReportlabInvoiceRenderer:
    """InvoiceRenderer drawing on a reportlab canvas; dates shown in the invoicing time zone."""

    def __init__(self, font: InvoiceFont, zone: tzinfo,
                 letterhead: Letterhead | None = None) -> None:
        self._font = font
        self._zone = zone
        self._head = letterhead or Letterhead()

    def render(self, invoice: Invoice, credit_notes: Sequence[CreditNote], now: datetime) -> bytes:
        sheet = Sheet(self._font.name, f"Invoice {invoice.number}",
                      self._text(invoice.seller.name))
        status = invoice.status_at(now)
        sheet.watermark = WATERMARKS.get(status)
        gst = invoice.tax_mode is TaxMode.GST
        self._top(sheet, "TAX INVOICE" if gst else "INVOICE")
        self._header(sheet, invoice, self._meta(invoice, status))
        self._lines(sheet, invoice.lines, gst, invoice.currency)
        sheet.space(4 * mm)
        self._totals(sheet, invoice, credit_notes)
        due = balance_due(invoice, credit_notes)
        words_row(sheet, self._font, "Amount in words", due, invoice.currency)
        if status not in (InvoiceStatus.PAID, InvoiceStatus.VOID):
            sheet.space(4 * mm)
            payment_block(sheet, self._font, self._head.payment, payee=invoice.seller.name,
                          amount=due, currency=invoice.currency, reference=invoice.number)
        sheet.space(8 * mm)
        sheet.paragraph(self._footer(invoice), SMALL)
        return sheet.finish()

    def render_credit_note(self, note: CreditNote, invoice: Invoice, now: datetime) -> bytes:
        """The credit note as a document of its own, naming the invoice it credits; its
        amounts are shown as positive figures (what the agency owes back)."""
        sheet = Sheet(self._font.name, f"Credit note {note.number}",
                      self._text(invoice.seller.name))
        self._top(sheet, "Credit note")
        meta = [("Credit note no.", note.number), ("Date", self._date(note.issued_at)),
                ("Against invoice", invoice.number),
                ("Invoice date", self._date(invoice.issued_at))]
        self._header(sheet, invoice, meta)
        lines = tuple(InvoiceLine(x.description, x.quantity, abs(x.unit_price), abs(x.amount),
                                  x.sac, ()) for x in note.lines)
        self._lines(sheet, lines, invoice.tax_mode is TaxMode.GST, note.currency)
        sheet.space(4 * mm)
        rows = [("Taxable value credited", format_money(-note.subtotal, note.currency))]
        rows += [(f"{t.name} @ {_rate(t.rate)}", format_money(-t.amount, note.currency))
                 for t in note.taxes]
        rows.append((f"Total credited ({note.currency})",
                     format_money(-note.total, note.currency)))
        self._rows(sheet, rows, len(rows) - 1)
        words_row(sheet, self._font, "Amount in words", -note.total, note.currency)
        sheet.space(8 * mm)
        reason = f"Reason: {note.reason}. " if note.reason else ""
        sheet.paragraph(self._text(
            f"{reason}This credit note reduces invoice {invoice.number} by the amount above."),
            SMALL)
        return sheet.finish()

    def _text(self, value: str | None) -> str:
        return self._font.printable(value or "")

    def _date(self, moment: datetime | None) -> str:
        return moment.astimezone(self._zone).strftime("%d %b %Y") if moment else "-"

    def _top(self, sheet: Sheet, title: str) -> None:
        logo_height = draw_logo(sheet, self._head.logo)
        sheet.row([Cell(title, 0, WIDTH - 45 * mm, TITLE)], pad=0)
        sheet.y = min(sheet.y, sheet.top - logo_height - 2 * mm)
        sheet.space(4 * mm)

    def _meta(self, invoice: Invoice, status: InvoiceStatus) -> list[tuple[str, str]]:
        meta = [("Invoice no.", invoice.number), ("Invoice date", self._date(invoice.issued_at)),
                ("Due date", self._date(invoice.due_at)), ("Status", status.value.upper())]
        if invoice.paid_at:
            meta.append(("Paid on", self._date(invoice.paid_at)))
        if invoice.tax_mode is TaxMode.GST and invoice.buyer.gst_state:
            meta.append(("Place of supply", f"State code {invoice.buyer.gst_state}"))
        return meta

    def _header(self, sheet: Sheet, invoice: Invoice, meta: list[tuple[str, str]]) -> None:
        """The seller on the left and `meta` on the right; then the buyer."""
        top = sheet.y
        sheet.row([party_cell(self._font, invoice.seller, 0, 102 * mm, self._head.phone)], pad=0)
        left_bottom, sheet.y = sheet.y, top
        for key, value in meta:
            sheet.row([Cell(key, 102 * mm, 28 * mm, SMALL),
                       Cell(self._text(value), 130 * mm, 44 * mm, BODY, "right")])
        sheet.y = min(sheet.y, left_bottom)
        sheet.space(6 * mm)
        sheet.row([Cell("Bill to", 0, WIDTH, SMALL)], pad=0)
        sheet.row([party_cell(self._font, invoice.buyer, 0, WIDTH)], pad=0)
        sheet.space(6 * mm)

    def _lines(self, sheet: Sheet, lines: Sequence[InvoiceLine], taxed: bool,
               currency: str) -> None:
        """The lines table; its head is repeated on every page it runs onto."""
        widths = [8, 78 if taxed else 94, *([16] if taxed else []), 20, 28, 24]
        xs = [sum(widths[:n]) * mm for n in range(len(widths))]
        right = len(widths) - 3

        def cells(texts: Sequence[str], style: Style) -> list[Cell]:
            return [Cell(t, x, w * mm, style, "right" if n >= right else "left")
                    for n, (t, x, w) in enumerate(zip(texts, xs, widths, strict=True))]

        head = ["#", "Description", *(["SAC"] if taxed else []), "Qty",
                f"Rate per {PER:,}", "Amount"]

        def draw_head() -> None:
            sheet.row(cells(head, SMALL))
            sheet.rule(RULE)

        draw_head()
        sheet.on_new_page = draw_head
        for i, line in enumerate(lines, start=1):
            sheet.row(cells([str(i), self._text(line.description),
                             *([self._text(line.sac)] if taxed else []), f"{line.quantity:,}",
                             format_money(line.price_per(PER), currency),
                             format_money(line.amount, currency)], BODY))
        sheet.on_new_page = None
        sheet.rule(RULE)

    def _totals(self, sheet: Sheet, invoice: Invoice, notes: Sequence[CreditNote]) -> None:
        cur = invoice.currency
        taxable = "Taxable value" if invoice.tax_mode is TaxMode.GST else "Subtotal"
        rows = [(taxable, format_money(invoice.subtotal, cur))]
        rows += [(f"{t.name} @ {_rate(t.rate)}", format_money(t.amount, cur))
                 for t in invoice.taxes]
        total_row = len(rows)
        rows.append((f"Total ({cur})", format_money(invoice.total, cur)))
        for note in notes:
            rows.append((f"Credit note {note.number} ({self._date(note.issued_at)})",
                         format_money(note.total, cur)))
        if notes:
            rows.append(("Net payable after credit notes",
                         format_money(balance_due(invoice, notes), cur)))
        self._rows(sheet, rows, total_row)

    def _rows(self, sheet: Sheet, rows: list[tuple[str, str]], rule_before: int) -> None:
        sheet.room(len(rows) * (BODY.leading + 6))  # the totals stay on one page
        for n, (label, value) in enumerate(rows):
            if n == rule_before:
                sheet.rule(RULE)
            sheet.row([Cell(self._text(label), 0, 120 * mm, BODY, "right"),
                       Cell(self._text(value), 120 * mm, 54 * mm, BODY, "right")])

    def _footer(self, invoice: Invoice) -> str:
        parts = [f"Amounts in {invoice.currency}."]
        if invoice.tax_mode is TaxMode.GST:
            parts.append("Tax payable on reverse charge: No.")
            if invoice.tax_inclusive:
                parts.append("Prices include GST.")
        parts.append(f"Please quote {invoice.number} with your payment.")
        return self._text(" ".join(parts))


def make_invoice_renderer(font_path: str | None, zone: tzinfo,
                          letterhead: Letterhead | None = None,
                          logo_path: str | None = None) -> ReportlabInvoiceRenderer:
    """The renderer with the configured font (else the packaged one, else the system's),
    the letterhead, and the logo read from `logo_path` (LogoNotReadable if it cannot be)."""
    head = letterhead or Letterhead()
    if logo_path:
        head = Letterhead(head.phone, read_logo(logo_path), head.payment)
    return ReportlabInvoiceRenderer(InvoiceFont(find_font(font_path)), zone, head)
