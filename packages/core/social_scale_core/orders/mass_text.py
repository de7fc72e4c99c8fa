"""The SMM panels' mass-order text (`service|link|quantity` per line) and its CSV twin,
read into numbered raw lines; the API and the console both turn them into drafts."""

from __future__ import annotations

import csv
import io
from typing import Any

from social_scale_core.errors import FieldError

RawLine = tuple[int, dict[str, Any] | list[FieldError]]
FIELDS = ("service", "link", "quantity")


def _line(n: int, parts: list[str]) -> RawLine:
    if len(parts) != 3:
        return n, [FieldError("line", "expected service|link|quantity")]
    return n, dict(zip(FIELDS, parts, strict=True))


def text_lines(text: str) -> list[RawLine]:
    """`service|link|quantity` per line (blank lines skipped, numbered as in the text)."""
    return [_line(n, [p.strip() for p in raw.split("|")])
            for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]


def csv_lines(text: str) -> list[RawLine]:
    """CSV rows `service,link,quantity` (an optional header row naming them is skipped;
    blank rows too), numbered as the spreadsheet numbers its rows."""
    out: list[RawLine] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (n == 1 and [c.lower() for c in cells] == list(FIELDS)):
            continue
        out.append(_line(n, cells))
    return out
