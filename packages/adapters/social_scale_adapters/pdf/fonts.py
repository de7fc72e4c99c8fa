"""The invoice font: found in an installed package (or the system), checked glyph by glyph.

Text is drawn only with glyphs the font has: anything else is NFKC-folded (the styled
mathematical bold letters of panel service names become plain letters) or dropped, so a PDF never
shows the empty boxes of missing glyphs. Emoji and other pictographs are always dropped.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "InvoiceSans"
_SPACES = re.compile(r"\s+")
_lock = threading.Lock()


class InvoiceFont:
    """A TrueType font registered with reportlab, and the set of characters it can draw."""

    def __init__(self, path: Path, name: str = FONT_NAME) -> None:
        with _lock:
            try:
                font = pdfmetrics.getFont(name)
            except KeyError:
                font = TTFont(name, str(path))
                pdfmetrics.registerFont(font)
        self.name = name
        self.path = path
        self._glyphs: frozenset[int] = frozenset(font.face.charToGlyph)
        self._has_ascii = all(code in self._glyphs for code in range(0x20, 0x7F))

    def covers(self, char: str) -> bool:
        return ord(char) in self._glyphs

    def printable(self, text: str) -> str:
        """`text` with only drawable characters: folded by NFKC where that helps, else dropped."""
        if self._has_ascii and text.isascii() and text.isprintable():
            return " ".join(text.split())  # the common case, 20 times faster
        kept = [self._char(ch) for ch in unicodedata.normalize("NFC", text)]
        return _SPACES.sub(" ", "".join(kept)).strip()

    def _char(self, ch: str) -> str:
        if ch in "\t\n\r":
            return " "
        if _always_dropped(ch):
            return ""
        if self.covers(ch):
            return ch
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and all(self.covers(c) or c == " " for c in folded):
            return folded
        return ""


def _always_dropped(ch: str) -> bool:
    """Controls, invisible formatters (ZWJ, variation selectors) and emoji-range pictographs."""
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn") or "\ufe00" <= ch <= "\ufe0f":
        return True
    return category == "So" and ord(ch) >= 0x1F000
