"""A cursor over a reportlab canvas: wrapped text in one font, table rows, rules, page breaks.

Plain canvas drawing, no platypus: the invoice is a fixed layout, and platypus's paragraph
markup parsing and table measuring took about 70% of its render time in a profile.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from typing import Literal

from attrs import frozen
from reportlab.lib.colors import Color, HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

# reportlab subsets a TrueType font, on save, by reading the one font file shared by every
# document through a single cursor: two saves at once (gunicorn's threads) crash or corrupt.
_SAVING = threading.Lock()
PAD = 6.0  # points between a table cell's edge and its text, as platypus tables have
Align = Literal["left", "right"]
WATERMARK = HexColor("#c0392b")


@frozen
class Style:
    size: float
    leading: float
    color: Color = black


@frozen
class Cell:
    """Text in a column `width` wide starting `x` points from the sheet's left edge; a
    newline in `text` starts a new line."""

    text: str
    x: float
    width: float
    style: Style
    align: Align = "left"


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy word wrap to `width` points; a word longer than a whole line is cut."""
    if stringWidth(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        joined = f"{current} {word}" if current else word
        if stringWidth(joined, font, size) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and stringWidth(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


class Sheet:
    """An A4 document being drawn top-down; `y` is where the next thing's top goes."""

    def __init__(self, font: str, title: str, author: str, margins: tuple[float, float] = (
            18 * mm, 16 * mm)) -> None:
        self._buffer = io.BytesIO()
        self.canvas = Canvas(self._buffer, pagesize=A4)
        self.canvas.setTitle(title)
        self.canvas.setSubject(title)
        self.canvas.setAuthor(author)
        side, end = margins
        self.font = font
        page_width, page_height = float(A4[0]), float(A4[1])
        self.left, self.right = side, page_width - side
        self.top, self.bottom = page_height - end, end
        self.y = self.top
        self.on_new_page: Callable[[], None] | None = None
        self.watermark: str | None = None  # drawn across every page, e.g. VOID
        self._style: Style | None = None

    @property
    def width(self) -> float:
        return self.right - self.left

    def room(self, height: float) -> None:
        """Start a new page unless `height` more points fit above the bottom margin."""
        if self.y - height < self.bottom and self.y < self.top:
            self._end_page()
            self._style = None
            self.y = self.top
            if self.on_new_page is not None:
                self.on_new_page()

    def space(self, height: float) -> None:
        self.y -= height

    def lines(self, cell: Cell) -> list[str]:
        """The cell's text wrapped to its column; a newline always starts a new line."""
        width = cell.width - 2 * PAD
        return [line for part in cell.text.split("\n")
                for line in wrap(part, width, self.font, cell.style.size)]

    def draw(self, cell: Cell, lines: Sequence[str], top: float) -> None:
        """Draw `lines` of `cell` from `top` down, one `leading` apart."""
        style = cell.style
        if style != self._style:
            self.canvas.setFont(self.font, style.size, style.leading)
            self.canvas.setFillColor(style.color)
            self._style = style
        baseline = top - style.size
        for line in lines:
            if cell.align == "right":
                self.canvas.drawRightString(self.left + cell.x + cell.width - PAD, baseline, line)
            else:
                self.canvas.drawString(self.left + cell.x + PAD, baseline, line)
            baseline -= style.leading

    def row(self, cells: Sequence[Cell], pad: float = 3.0) -> None:
        """Cells side by side, each wrapped to its column; the row moves to a new page whole."""
        wrapped = [self.lines(c) for c in cells]
        height = max(len(w) * c.style.leading for c, w in zip(cells, wrapped, strict=True))
        self.room(height + 2 * pad)
        for cell, lines in zip(cells, wrapped, strict=True):
            self.draw(cell, lines, self.y - pad)
        self.y -= height + 2 * pad

    def paragraph(self, text: str, style: Style) -> None:
        """Full-width text, wrapped, breaking pages between its lines."""
        cell = Cell(text, 0, self.width, style)
        for line in self.lines(cell):
            self.room(style.leading)
            self.draw(cell, [line], self.y)
            self.y -= style.leading

    def rule(self, color: Color, width: float = 0.8) -> None:
        """A horizontal line across the sheet at the cursor."""
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(width)
        self.canvas.line(self.left, self.y, self.right, self.y)

    def graphic(self, draw: Callable[[Canvas], None]) -> None:
        """Let `draw` paint on the canvas directly (an image, a QR code); the text style is
        set afresh afterwards."""
        self.canvas.saveState()
        draw(self.canvas)
        self.canvas.restoreState()
        self._style = None

    def _end_page(self) -> None:
        if self.watermark:
            self._draw_watermark(self.watermark)
        self.canvas.showPage()

    def _draw_watermark(self, text: str) -> None:
        """Large, pale, diagonal letters over the page (translucent: the text stays legible)."""
        c = self.canvas
        c.saveState()
        c.setFillColor(WATERMARK)
        c.setFillAlpha(0.22)
        c.translate(float(A4[0]) / 2, float(A4[1]) / 2)
        c.rotate(45)
        size = 150.0 if len(text) <= 4 else 120.0
        c.setFont(self.font, size)
        c.drawCentredString(0, -size / 3, text)
        c.restoreState()
        self._style = None

    def finish(self) -> bytes:
        self._end_page()
        with _SAVING:
            self.canvas.save()
        return self._buffer.getvalue()
