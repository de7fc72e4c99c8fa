"""The invoice PDF: agency, client, number, dates, status, lines, GST breakdown, totals.

It never prints the multiplier or the panel's cost (`base_cost`, `order_cost`): those are
the agency's business, not the client's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.units import mm
from social_scale_core.invoicing.model import BillingParty, CreditNote, Invoice, TaxMode
from social_scale_core.money import money_str

from social_scale_adapters.pdf.fonts import InvoiceFont, find_font
from social_scale_adapters.pdf.sheet import Cell, Sheet, Style

SYMBOLS = {"INR": "₹"}
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")
BODY = Style(9, 12)
SMALL = Style(8, 12, GREY)
TITLE = Style(18, 22)
WIDTH = 174 * mm  # between the margins
# A line's rate is shown per 1,000 units, as the panel quotes its services: with as many
# decimals as it takes for quantity x rate / 1000 to give the line's amount as printed.
PER = 1000


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
    """InvoiceRenderer drawing on a reportlab canvas; dates shown in the invoicing time zone."""

    def __init__(self, font: InvoiceFont, zone: tzinfo) -> None:
        self._font = font
        self._zone = zone

    def render(self, invoice: Invoice, credit_notes: Sequence[CreditNote], now: datetime) -> bytes:
        sheet = Sheet(self._font.name, f"Invoice {invoice.number}",
                      self._text(invoice.seller.name))
        gst = invoice.tax_mode is TaxMode.GST
        sheet.row([Cell("TAX INVOICE" if gst else "INVOICE", 0, WIDTH, TITLE)], pad=0)
        sheet.space(4 * mm)
        self._header(sheet, invoice, now)
        sheet.space(6 * mm)
        sheet.row([Cell("Bill to", 0, WIDTH, SMALL)], pad=0)
        sheet.row([self._party(invoice.buyer, 0, WIDTH)], pad=0)
        sheet.space(6 * mm)
        self._lines(sheet, invoice)
        sheet.space(4 * mm)
        self._totals(sheet, invoice, credit_notes)
        sheet.space(8 * mm)
        sheet.paragraph(self._footer(invoice), SMALL)
        return sheet.finish()

    def _text(self, value: str | None) -> str:
        return self._font.printable(value or "")

    def _date(self, moment: datetime | None) -> str:
        return moment.astimezone(self._zone).strftime("%d %b %Y") if moment else "-"

    def _party(self, party: BillingParty, x: float, width: float) -> Cell:
        """Name, address, GSTIN, state code and email, one to a line (wrapped if long)."""
        lines = [party.name, party.address or ""]
        if party.gstin:
            lines.append(f"GSTIN: {party.gstin}")
        if party.gst_state:
            lines.append(f"State code: {party.gst_state}")
        if party.email:
            lines.append(party.email)
        return Cell("\n".join(t for t in map(self._text, lines) if t), x, width, BODY)

    def _header(self, sheet: Sheet, invoice: Invoice, now: datetime) -> None:
        """The seller on the left; number, dates, status and place of supply on the right."""
        meta = [("Invoice no.", invoice.number), ("Invoice date", self._date(invoice.issued_at)),
                ("Due date", self._date(invoice.due_at)),
                ("Status", invoice.status_at(now).value.upper())]
        if invoice.paid_at:
            meta.append(("Paid on", self._date(invoice.paid_at)))
        if invoice.tax_mode is TaxMode.GST and invoice.buyer.gst_state:
            meta.append(("Place of supply", f"State code {invoice.buyer.gst_state}"))
        top = sheet.y
        sheet.row([self._party(invoice.seller, 0, 102 * mm)], pad=0)
        left_bottom, sheet.y = sheet.y, top
        for key, value in meta:
            sheet.row([Cell(key, 102 * mm, 28 * mm, SMALL),
                       Cell(self._text(value), 130 * mm, 44 * mm, BODY, "right")])
        sheet.y = min(sheet.y, left_bottom)

    def _lines(self, sheet: Sheet, invoice: Invoice) -> None:
        """The lines table; its head is repeated on every page it runs onto."""
        taxed = invoice.tax_mode is TaxMode.GST
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
        for i, line in enumerate(invoice.lines, start=1):
            sheet.row(cells([str(i), self._text(line.description),
                             *([self._text(line.sac)] if taxed else []), f"{line.quantity:,}",
                             format_money(line.price_per(PER), invoice.currency),
                             format_money(line.amount, invoice.currency)], BODY))
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
            balance = invoice.total + sum((n.total for n in notes), Decimal(0))
            rows.append(("Net payable after credit notes", format_money(balance, cur)))
        sheet.room(len(rows) * (BODY.leading + 6))  # the totals stay on one page
        for n, (label, value) in enumerate(rows):
            if n == total_row:
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


def make_invoice_renderer(font_path: str | None, zone: tzinfo) -> ReportlabInvoiceRenderer:
    """The renderer with the configured font, else the packaged one, else the system's."""
    return ReportlabInvoiceRenderer(InvoiceFont(find_font(font_path)), zone)
