"""Pieces shared by the invoice and the credit note: parties, logo, words, how to pay, QR."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from attrs import field, frozen
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from social_scale_core.invoicing.model import BillingParty
from social_scale_core.invoicing.payment import PaymentDetails, upi_url
from social_scale_core.invoicing.words import amount_in_words

from social_scale_adapters.pdf.fonts import InvoiceFont
from social_scale_adapters.pdf.logo import LogoNotReadable
from social_scale_adapters.pdf.sheet import Cell, Sheet, Style

GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")
BODY = Style(9, 12)
SMALL = Style(8, 12, GREY)
TITLE = Style(18, 22)
WIDTH = 174 * mm  # between the margins
QR_SIZE = 34 * mm
LOGO_BOX = (40 * mm, 16 * mm)


@frozen
class Letterhead:
    """What the agency prints beyond the seller snapshot: phone, logo, payment details."""

    phone: str | None = None
    logo: ImageReader | None = None
    payment: PaymentDetails = field(factory=PaymentDetails)


def read_logo(path: str | None) -> ImageReader | None:
    """The logo image, read and decoded once; LogoNotReadable names the bad path.

    Decoded here, not by the first PDF: renders share the image, and PIL's lazy decoding
    of one image from several threads at once fails (concurrent PDF downloads)."""
    if not path:
        return None
    if not Path(path).is_file():
        raise LogoNotReadable(f"AGENCY_LOGO_PATH {path!r} is not a file")
    try:
        image = ImageReader(path)
        image.getSize()
        image.getRGBData()
        image.getTransparent()
    except Exception as exc:  # reportlab/PIL raise many kinds for a bad image
        raise LogoNotReadable(f"AGENCY_LOGO_PATH {path!r} is not a readable image") from exc
    return image


def draw_logo(sheet: Sheet, logo: ImageReader | None) -> float:
    """The logo in the top right corner, scaled into LOGO_BOX keeping its proportions;
    returns its height (0 without a logo)."""
    if logo is None:
        return 0.0
    width, height = logo.getSize()
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    w, h = width * scale, height * scale

    def paint(canvas: Canvas) -> None:
        canvas.drawImage(logo, sheet.right - w, sheet.top - h, w, h, mask="auto")

    sheet.graphic(paint)
    return float(h)


def party_cell(font: InvoiceFont, party: BillingParty, x: float, width: float,
               phone: str | None = None) -> Cell:
    """Name, address, GSTIN, state code, email and phone, one to a line (wrapped if long)."""
    lines = [party.name, party.address or ""]
    if party.gstin:
        lines.append(f"GSTIN: {party.gstin}")
    if party.gst_state:
        lines.append(f"State code: {party.gst_state}")
    if party.email:
        lines.append(party.email)
    if phone:
        lines.append(f"Phone: {phone}")
    return Cell("\n".join(t for t in map(font.printable, lines) if t), x, width, BODY)


def words_row(sheet: Sheet, font: InvoiceFont, label: str, amount: Decimal,
              currency: str) -> None:
    sheet.row([Cell(label, 0, 40 * mm, SMALL),
               Cell(font.printable(amount_in_words(amount, currency)), 40 * mm, WIDTH - 40 * mm,
                    BODY)])


def qr_drawing(text: str, size: float = QR_SIZE) -> Drawing:
    """`text` as a QR code, drawn with reportlab's own widget, `size` points square."""
    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def payment_block(sheet: Sheet, font: InvoiceFont, payment: PaymentDetails, *, payee: str,
                  amount: Decimal, currency: str, reference: str) -> None:
    """`How to pay`: the bank details on the left, a UPI QR code for `amount` on the right
    (rupees only). Nothing when there are no details or nothing is left to pay."""
    lines = payment.lines()
    if not lines or amount <= 0:
        return
    lines.append(f"Reference: {reference}")
    qr = payment.upi_id and currency == "INR"
    sheet.room(max(QR_SIZE + 8 * mm, (len(lines) + 1) * BODY.leading + 6))
    sheet.row([Cell("How to pay", 0, WIDTH, SMALL)], pad=0)
    top = sheet.y
    text = "\n".join(font.printable(line) for line in lines)
    sheet.row([Cell(text, 0, WIDTH - QR_SIZE - 10 * mm, BODY)])
    if not qr:
        return
    drawing = qr_drawing(upi_url(payment.upi_id or "", payee, amount, reference))
    x, y = sheet.right - QR_SIZE, top - QR_SIZE - 2 * mm
    sheet.graphic(lambda canvas: renderPDF.draw(drawing, canvas, x, y))
    sheet.y = min(sheet.y, y)
    sheet.row([Cell("Scan to pay with any UPI app", WIDTH - QR_SIZE - 20 * mm, QR_SIZE + 20 * mm,
                    SMALL, "right")], pad=2)
