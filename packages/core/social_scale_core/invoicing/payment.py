"""How a client pays: bank transfer details and a UPI payment link for the exact amount."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from attrs import frozen

from social_scale_core.money import money_str, round_cents


@frozen
class PaymentDetails:
    """The agency's bank account and UPI ID, as printed on invoices and mails (all optional)."""

    bank_name: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    ifsc: str | None = None
    upi_id: str | None = None

    @property
    def has_bank(self) -> bool:
        return bool(self.account_number and self.ifsc)

    def pairs(self) -> list[tuple[str, str]]:
        """(label, value) of each detail that is set, in reading order."""
        labelled = [("Bank", self.bank_name), ("Account name", self.account_name),
                    ("Account no.", self.account_number), ("IFSC", self.ifsc),
                    ("UPI ID", self.upi_id)]
        return [(label, value) for label, value in labelled if value]

    def lines(self) -> list[str]:
        """The details one to a line, as a person reads them."""
        return [f"{label}: {value}" for label, value in self.pairs()]


def upi_url(upi_id: str, payee: str, amount: Decimal, note: str) -> str:
    """`upi://pay?pa=..&pn=..&am=..&cu=INR&tn=..` (NPCI's deep link) for `amount` in rupees,
    two decimals; the values are percent-encoded so that a payee name with `&` stays one."""
    def enc(value: str) -> str:
        return quote(value, safe="@.-_")

    am = money_str(round_cents(amount), 2)
    return (f"upi://pay?pa={enc(upi_id)}&pn={enc(payee)}&am={am}&cu=INR"
            f"&tn={enc(note)}")
