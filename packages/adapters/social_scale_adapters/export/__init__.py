"""Spreadsheet exports (xlsxwriter)."""
