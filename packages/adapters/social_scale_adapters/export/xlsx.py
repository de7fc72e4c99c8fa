"""One-sheet XLSX workbooks with typed cells: numbers as numbers, dates as dates, text as
text (never run as a formula)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

Value = str | int | Decimal | date | None


def xlsx_table(sheet: str, header: Sequence[str], rows: Iterable[Sequence[Value]],
               widths: Sequence[int] = ()) -> bytes:
    """The rows under a bold, frozen header; Decimals get two decimals with grouping."""
    # Imported when first used: about 10 MB in each process that never exports (issue 17).
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    page = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    page.write_row(0, 0, list(header), bold)
    page.freeze_panes(1, 0)
    for n, width in enumerate(widths):
        page.set_column(n, n, width)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                page.write_blank(r, c, None)
            elif isinstance(value, Decimal):
                page.write_number(r, c, float(value), money)
            elif isinstance(value, int):
                page.write_number(r, c, value)
            elif isinstance(value, datetime):
                page.write_datetime(r, c, value.replace(tzinfo=None), day)
            elif isinstance(value, date):
                page.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            else:
                page.write_string(r, c, value)
    book.close()
    return out.getvalue()
