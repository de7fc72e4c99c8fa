"""Invoicing: numbering, money, tax, lifecycle, adjustments (the use cases the order flow calls)."""

from social_scale_core.invoicing.adjust import adjust_for_order_outcome
from social_scale_core.invoicing.batch import bill_in_batch
from social_scale_core.invoicing.issue import invoice_order, issue_invoice
from social_scale_core.invoicing.lifecycle import change_status, get_invoice, list_invoices
from social_scale_core.invoicing.model import (
    BillingParty,
    CreditNote,
    HistoryEntry,
    Invoice,
    InvoiceLine,
    InvoicePolicy,
    InvoiceRequest,
    InvoiceStatus,
    TaxLine,
    TaxMode,
)
from social_scale_core.invoicing.ports import InvoiceFilter, InvoicingUnitOfWork, OrderForInvoice
from social_scale_core.invoicing.pricing import delivered_units

__all__ = [
    "BillingParty",
    "CreditNote",
    "HistoryEntry",
    "Invoice",
    "InvoiceFilter",
    "InvoiceLine",
    "InvoicePolicy",
    "InvoiceRequest",
    "InvoiceStatus",
    "InvoicingUnitOfWork",
    "OrderForInvoice",
    "TaxLine",
    "TaxMode",
    "adjust_for_order_outcome",
    "bill_in_batch",
    "change_status",
    "delivered_units",
    "get_invoice",
    "invoice_order",
    "issue_invoice",
    "list_invoices",
]
