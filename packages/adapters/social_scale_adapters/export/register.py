"""The invoice register as a file (CSV or XLSX): the one rendering that the API and the
console both serve, so the accountant gets the same columns from either."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from social_scale_core.invoicing.register import RegisterRow
from social_scale_core.money import money_str

from social_scale_adapters.export.xlsx import Value, xlsx_table

HEADER = ["Document", "Number", "Date", "Buyer", "Buyer GSTIN", "Place of supply", "Currency",
          "Taxable value", "CGST", "SGST", "IGST", "Total", "Status", "Credited invoice"]
WIDTHS = [12, 18, 11, 36, 17, 8, 8, 14, 12, 12, 12, 14, 10, 18]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def values(row: RegisterRow) -> list[Value]:
    return [row.kind, row.number, row.issued_on, row.buyer, row.buyer_gstin,
            row.place_of_supply, row.currency, row.taxable_value, row.cgst, row.sgst, row.igst,
            row.total, row.status, row.credited_invoice]


def csv_cell(value: Value) -> str:
    """Money with two decimals, ISO dates, and text a spreadsheet never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money_str(value, 2)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def register_csv(rows: list[RegisterRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([csv_cell(v) for v in values(r)] for r in rows)
    return out.getvalue()


def register_xlsx(rows: list[RegisterRow]) -> bytes:
    return xlsx_table("Register", HEADER, map(values, rows), WIDTHS)


def register_file(rows: list[RegisterRow], file_format: str) -> tuple[str, bytes]:
    """(content type, body) for `csv` or `xlsx`."""
    if file_format == "xlsx":
        return XLSX, register_xlsx(rows)
    return CSV, register_csv(rows).encode("utf-8")
