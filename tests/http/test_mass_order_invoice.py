"""A mass order's one invoice over HTTP, on SQLite and PostgreSQL: a line per placed order,
one number, each line adjusted on its own by the status sync (repriced while unpaid,
credited once paid), the analytics attributing each line to its order, the PDF listing
every line, and replays adding nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from social_scale_adapters.db.analytics.rollup import rebuild
from social_scale_adapters.fampage.simulator import parse_fault
from social_scale_wiring.container import Container
from sqlalchemy.orm import Session

from tests.http.conftest import assert_problem
from tests.http.test_mass_orders import _lines, _post
from tests.http.test_orders import API, Sandbox

INVOICES = "/api/v1/invoices"


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def _placed(batch: dict[str, Any]) -> list[dict[str, Any]]:
    return [line["order"] for line in batch["lines"] if line["status"] == "placed"]


def _campaign(sandbox: Sandbox, count: int = 50, key: str = "campaign",
              invalid: dict[int, str] | None = None) -> dict[str, Any]:
    result = _post(sandbox, {"lines": _lines(count, invalid), "invoiceMultiplier": 8}, key=key)
    assert result.status_code == 201, result.text
    batch: dict[str, Any] = result.json["batch"]
    return batch


def _invoice(sandbox: Sandbox, invoice_id: str) -> dict[str, Any]:
    got = sandbox.get(f"{INVOICES}/{invoice_id}")
    assert got.status_code == 200, got.text
    invoice: dict[str, Any] = got.json["invoice"]
    return invoice


def _sync(sandbox: Sandbox, order: dict[str, Any], status: str | None = None,
          remains: int | None = None) -> None:
    """Set the order's status at the panel (unless None: a repeated report) and sync it."""
    if status is not None:
        sandbox.state.set_status(order["apiOrderId"], status, remains=remains)
    synced = sandbox.get(f"{API}/orders/{order['apiOrderId']}/status")
    assert synced.status_code == 200, synced.text


def _revenue(figures: dict[str, Any]) -> Decimal:
    return sum((Decimal(m["revenue"]) for m in figures["money"]), Decimal(0))


def test_fifty_lines_with_three_invalid_make_one_invoice_of_forty_seven_lines(
        sandbox: Sandbox) -> None:
    batch = _campaign(sandbox)
    placed = _placed(batch)
    assert len(placed) == 47
    invoice = batch["invoice"]
    assert invoice is not None and invoice["batchId"] == batch["id"]
    assert invoice["orderId"] is None and invoice["number"] == "SS/26-27/000001"
    # A line per placed order (in the order the panel accepted them), each order once.
    lines = {line["orderId"]: line for line in invoice["lines"]}
    assert len(invoice["lines"]) == len(lines) == 47
    assert set(lines) == {o["id"] for o in placed}
    assert {o["invoiceId"] for o in placed} == {invoice["id"]}
    for order in placed:
        line = lines[order["id"]]
        assert line["quantity"] == order["quantity"] and order["link"] in line["description"]
        assert Decimal(line["amount"]) == (Decimal(order["cost"]) * 8).quantize(Decimal("0.01"))
    assert Decimal(invoice["total"]) == sum(Decimal(x["amount"]) for x in invoice["lines"])
    assert Decimal(batch["summary"]["billed"]) == Decimal(invoice["total"])
    read = _invoice(sandbox, invoice["id"])
    history = read.pop("history")
    assert read == {**invoice, "creditNotes": []}
    assert [h["action"] for h in history] == ["issued"] + ["line_added"] * 46
    listed = sandbox.get(INVOICES).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == invoice["id"]
    # A replay, and asking for an invoice of a batch order, add nothing.
    assert _campaign(sandbox) == batch
    assert_problem(sandbox.post(f"{INVOICES}/order/{placed[0]['id']}"), 409, "conflict")
    assert sandbox.get(INVOICES).json["total"] == 1
    single = sandbox.place(invoiceMultiplier=8).json["invoice"]
    assert single["number"] == "SS/26-27/000002" and "batchId" not in single
    assert all("orderId" not in line for line in single["lines"])


def test_a_partial_line_shrinks_only_its_own_line(sandbox: Sandbox) -> None:
    batch = _campaign(sandbox, 5, invalid={})
    before = batch["invoice"]
    placed = _placed(batch)
    third = placed[2]
    _sync(sandbox, third, "Partial", remains=third["quantity"] - 40)
    _sync(sandbox, third)  # the same report again changes nothing
    after = _invoice(sandbox, before["id"])
    at = next(i for i, x in enumerate(before["lines"]) if x["orderId"] == third["id"])
    assert after["lines"][:at] == before["lines"][:at]
    assert after["lines"][at + 1:] == before["lines"][at + 1:]
    line = after["lines"][at]
    assert line["orderId"] == third["id"] and line["quantity"] == 40
    assert Decimal(line["amount"]) == (
        Decimal(third["cost"]) * 40 / third["quantity"] * 8).quantize(Decimal("0.01"))
    assert Decimal(after["total"]) == sum(Decimal(x["amount"]) for x in after["lines"])
    assert Decimal(after["total"]) < Decimal(before["total"]) and after["creditNotes"] == []
    assert after["number"] == before["number"] and after["status"] == "draft"


def test_a_canceled_line_of_a_paid_invoice_gets_its_own_credit_note(sandbox: Sandbox) -> None:
    batch = _campaign(sandbox, 4, invalid={})
    invoice_id = batch["invoice"]["id"]
    for status in ("sent", "paid"):
        assert sandbox.put(f"{INVOICES}/{invoice_id}/status", {"status": status}).status_code == 200
    paid = _invoice(sandbox, invoice_id)
    second = _placed(batch)[1]
    _sync(sandbox, second, "Canceled", remains=second["quantity"])
    _sync(sandbox, second)
    after = _invoice(sandbox, invoice_id)
    assert after["lines"] == paid["lines"] and after["total"] == paid["total"]
    [note] = after["creditNotes"]
    [credit] = note["lines"]
    assert credit["orderId"] == second["id"] and credit["quantity"] == second["quantity"]
    [billed] = [x for x in paid["lines"] if x["orderId"] == second["id"]]
    assert Decimal(note["total"]) == -Decimal(billed["amount"])
    assert note["number"] == "CN/26-27/000001"
    net = Decimal(paid["total"]) + Decimal(note["total"])
    stats = sandbox.get("/api/v1/analytics/stats").json
    assert _revenue(stats["totals"]) == net


def test_analytics_attribute_each_line_to_its_order(sandbox: Sandbox) -> None:
    batch = _campaign(sandbox, 6, invalid={4: "quantity"})
    invoice_id = batch["invoice"]["id"]
    placed = _placed(batch)
    _sync(sandbox, placed[0], "Partial", remains=placed[0]["quantity"] // 2)
    _sync(sandbox, placed[1], "Canceled", remains=placed[1]["quantity"])
    single = sandbox.place(invoiceMultiplier=3).json
    invoice = _invoice(sandbox, invoice_id)
    by_order = {line["orderId"]: Decimal(line["amount"]) for line in invoice["lines"]}
    by_order[single["order"]["id"]] = Decimal(single["invoice"]["total"])
    assert by_order[placed[1]["id"]] == 0
    expected = sum(by_order.values(), Decimal(0))

    def figures() -> tuple[Decimal, Decimal, dict[str, Decimal], Any]:
        stats = sandbox.get("/api/v1/analytics/stats").json
        company = sandbox.get("/api/v1/analytics").json["items"][0]
        history = sandbox.get(f"/api/v1/analytics/company/{sandbox.company_id}/history",
                              limit=200).json
        items = {i["orderId"]: Decimal(i["revenue"]) for i in history["items"]}
        return _revenue(stats["totals"]), _revenue(company), items, stats

    total, company, items, stats = figures()
    assert total == company == expected == sum(items.values(), Decimal(0))
    assert items == by_order
    history = sandbox.get(f"/api/v1/analytics/company/{sandbox.company_id}/history").json
    assert {i["invoiceId"] for i in history["items"] if i["orderId"] != single["order"]["id"]
            } == {invoice_id}
    # The triggers' running figures equal a fresh aggregate of the orders and invoices.
    with Session(sandbox.container.engine()) as session:
        rebuild(session)
        session.commit()
    assert figures() == (total, company, items, stats)
    # Voiding the batch's invoice takes every line's revenue away, and nothing else.
    assert sandbox.put(f"{INVOICES}/{invoice_id}/status", {"status": "void"}).status_code == 200
    total, company, items, _ = figures()
    assert total == company == Decimal(single["invoice"]["total"]) == sum(items.values())


def test_the_batch_invoice_pdf_lists_every_line(sandbox: Sandbox) -> None:
    batch = _campaign(sandbox, 12, invalid={5: "link"})
    invoice = batch["invoice"]
    pdf = sandbox.get(f"{INVOICES}/{invoice['id']}/download")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = "".join(text.split())  # descriptions wrap inside their cells
    assert invoice["number"] in flat and len(invoice["lines"]) == 11
    for line in invoice["lines"]:
        assert "".join(line["description"].split()) in flat
        assert line["amount"] in flat
    assert "instagram.com/client5" not in flat  # the invalid line is on no invoice


def test_a_lost_line_found_on_the_panel_later_joins_the_batch_invoice(
        sandbox: Sandbox) -> None:
    sandbox.state.set_fault(*parse_fault("add=timeout*1"))
    batch = _campaign(sandbox, 5, key="lost-line", invalid={})
    [lost] = [line["order"] for line in batch["lines"] if line["status"] == "unknown"]
    invoice = batch["invoice"]
    assert len(invoice["lines"]) == 4 and lost["invoiceId"] is None
    [api_id] = [i for i, o in sandbox.state.orders.items() if o.link == lost["link"]]
    resolved = sandbox.put(f"/api/v1/orders/{lost['id']}/status",
                           {"status": "pending", "apiOrderId": api_id})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json["order"]["invoiceId"] == invoice["id"]
    after = _invoice(sandbox, invoice["id"])
    assert [line["orderId"] for line in after["lines"]][:4] == [
        line["orderId"] for line in invoice["lines"]]
    assert after["lines"][4]["orderId"] == lost["id"]
    assert Decimal(after["total"]) == sum(Decimal(x["amount"]) for x in after["lines"])
    assert sandbox.get(INVOICES).json["total"] == 1
    read = sandbox.get(f"{API}/orders/mass/{batch['id']}").json["batch"]
    assert read["invoice"]["id"] == invoice["id"] and len(read["invoice"]["lines"]) == 5
