"""Invoicing on SQL: invoice and credit-note tables, their mapping and repositories, the
register, and the sources of late invoices.
"""
