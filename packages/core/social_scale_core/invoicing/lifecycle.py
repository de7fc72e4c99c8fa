"""Invoice lifecycle: draft -> sent -> paid, void from draft or sent; reading and listing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from attrs import evolve, frozen

from social_scale_core.errors import IllegalTransition, NotFound, ValidationFailed
from social_scale_core.invoicing.model import CreditNote, HistoryEntry, Invoice, InvoiceStatus
from social_scale_core.invoicing.ports import InvoiceFilter, InvoicingUnitOfWork

S = InvoiceStatus
ALLOWED: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    S.DRAFT: frozenset({S.SENT, S.VOID}),
    S.SENT: frozenset({S.PAID, S.VOID}),
    S.PAID: frozenset(),
    S.VOID: frozenset(),
}

UowFactory = Callable[[], InvoicingUnitOfWork]


def check_transition(current: InvoiceStatus, target: InvoiceStatus) -> None:
    """Raise IllegalTransition unless the lifecycle allows current -> target."""
    if target not in ALLOWED.get(current, frozenset()):
        raise IllegalTransition(f"An invoice cannot go from {current} to {target}.")


def change_status(
    uow_factory: UowFactory, invoice_id: str, target: InvoiceStatus, now: datetime, actor: str
) -> Invoice:
    """Move an invoice along its lifecycle and record it; setting the current status is a
    no-op. `overdue` is computed, never set (ValidationFailed). Commits."""
    if target is S.OVERDUE:
        raise ValidationFailed.single("status", "overdue is computed from the due date")
    with uow_factory() as uow:
        invoice = uow.invoices.get_for_update(invoice_id)
        if invoice is None:
            raise NotFound("No such invoice.")
        if invoice.status is target:
            return invoice
        check_transition(invoice.status, target)
        updated = evolve(invoice, status=target, updated_at=now,
                         paid_at=now if target is S.PAID else invoice.paid_at)
        uow.invoices.update(updated)
        uow.invoice_history.record(HistoryEntry(
            invoice.id, now, actor, "status", invoice.status.value, target.value,
            invoice.total, invoice.total,
        ))
        uow.commit()
    return updated


@frozen
class InvoiceView:
    """An invoice with its credit notes, as the API shows it."""

    invoice: Invoice
    credit_notes: tuple[CreditNote, ...] = ()


def get_invoice(uow_factory: UowFactory, invoice_id: str) -> InvoiceView:
    """One invoice and its credit notes; NotFound if there is none."""
    with uow_factory() as uow:
        found = uow.invoices.get_with_credit_notes(invoice_id)
    if found is None:
        raise NotFound("No such invoice.")
    invoice, notes = found
    return InvoiceView(invoice, tuple(notes))


def list_invoices(uow_factory: UowFactory, query: InvoiceFilter) -> tuple[list[Invoice], int]:
    """One page of invoices matching the filter, and how many match in all."""
    with uow_factory() as uow:
        return uow.invoices.list(query)


def invoice_sums(uow_factory: UowFactory, query: InvoiceFilter) -> tuple[dict[str, Decimal], int]:
    """The totals per currency of every invoice matching the filter, and how many match
    (both over at most `count_upto` + 1 invoices when it is set)."""
    with uow_factory() as uow:
        return uow.invoices.sums(query)


def company_invoices(uow_factory: UowFactory, query: InvoiceFilter) -> tuple[list[Invoice], int]:
    """`list_invoices` of the filter's company; NotFound if no such company was ever made
    (as its orders: an empty page would read as "no invoices yet")."""
    with uow_factory() as uow:
        if query.company_id is None or not uow.invoice_sources.company_exists(query.company_id):
            raise NotFound(f"No company with id {query.company_id}.")
        return uow.invoices.list(query)


def history(uow_factory: UowFactory, invoice_id: str) -> list[HistoryEntry]:
    """Every recorded change of an invoice, oldest first."""
    with uow_factory() as uow:
        return uow.invoice_history.for_invoice(invoice_id)
