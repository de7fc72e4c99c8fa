"""Time the invoice renderer alone, without HTTP or a database; optionally profile it.

    python -m benchmarks.invoice_pdf [--renders 200] [--profile]

The invoice is a GST one with a Unicode buyer and a credit note (every part of the layout).
The HTTP figure of issue 6 is `nox -s bench`; this one isolates the rendering in seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from social_scale_adapters.pdf.invoice import make_invoice_renderer
from social_scale_core.invoicing.model import (
    IST,
    BillingParty,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    TaxLine,
    TaxMode,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SELLER = BillingParty("Social Scale Marketing LLP", gstin="29ABCDE1234F1Z5", state_code="29",
                      address="12 MG Road, Bengaluru", email="billing@socialscale.example")
BUYER = BillingParty("Café Ünïcode Pvt. Ltd.", gstin="29AAACU1234F1Z1",
                     address="Straße 5 — Жуковского 7, Αθήνα", email="accounts@cafe.example")


def sample() -> tuple[Invoice, list[CreditNote]]:
    taxes = (TaxLine("CGST", Decimal(9), Decimal("1079.17")),
             TaxLine("SGST", Decimal(9), Decimal("1079.17")))
    line = InvoiceLine("Instagram Followers [Refill 30D]", 100000, Decimal("0.1199"),
                       Decimal("11990.75"), "998361", taxes)
    invoice = Invoice(
        id="i1", number="SS/26-27/000001", order_id="o1", company_id="c1",
        status=InvoiceStatus.PAID, currency="INR", multiplier=Decimal("7.77"),
        base_cost=Decimal("1543.2109"), subtotal=Decimal("11990.75"),
        tax_total=Decimal("2158.34"), total=Decimal("14149.09"), lines=(line,), issued_at=NOW,
        due_at=NOW + timedelta(days=7), order_cost=Decimal("1543.2109"), seller=SELLER,
        buyer=BUYER, ordered_quantity=100000, billed_quantity=60000, tax_mode=TaxMode.GST,
        paid_at=NOW,
    )
    note = CreditNote(
        id="n1", number="CN/26-27/000001", invoice_id="i1", company_id="c1", currency="INR",
        subtotal=Decimal("-4796.30"), tax_total=Decimal("-863.34"), total=Decimal("-5659.64"),
        lines=(), issued_at=NOW, reason="delivered 60000 of 100000",
    )
    return invoice, [note]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.invoice_pdf", description=__doc__)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    ns = parser.parse_args(argv)
    renderer = make_invoice_renderer(None, IST)
    invoice, notes = sample()
    size = len(renderer.render(invoice, notes, NOW))  # warm up: font subsetting tables
    started = time.perf_counter()
    for _ in range(ns.renders):
        renderer.render(invoice, notes, NOW)
    per = (time.perf_counter() - started) / ns.renders * 1000
    print(f"invoice PDF: {per:.2f} ms per render over {ns.renders} ({size:,} bytes)")
    if ns.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [renderer.render(invoice, notes, NOW)
                                 for _ in range(ns.renders)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
