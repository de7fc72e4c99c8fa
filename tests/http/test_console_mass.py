"""The console's mass-order page (issue 15) over TestClient on the real container and the
sandbox panel: a preview with totals and numbered invalid lines that places nothing, one
placement per rendered form, a CSV upload, and the batch's page."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from social_scale_core.orders.placement_rules import OrderDraft
from social_scale_core.orders.preview import preview_order
from social_scale_web.formatting import money

from tests.http.console_support import Browser

FOLLOWERS = 2124
LINES = "\n".join([
    f"{FOLLOWERS}|https://instagram.com/one|100",
    "",  # blank: skipped, still counted
    f"{FOLLOWERS}|https://instagram.com/two|5",  # below the minimum
    "not a line",
    f"{FOLLOWERS}|https://instagram.com/three|250",
])


def company(browser: Browser, multiplier: str = "8") -> str:
    made = browser.post("/companies/new", {"name": "Batch Co",
                                           "defaultInvoiceMultiplier": multiplier},
                        csrf_from="/companies/new")
    return str(made.headers["location"].split("/companies/")[1].split("?")[0])


def form_key(page: str) -> str:
    found = re.search(r'name="formKey" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def adds(container: Any) -> int:
    return int(container.simulator().state.calls.get("add", 0))


def expected(container: Any, company_id: str) -> tuple[Decimal, Decimal]:
    """The two valid lines' cost and invoice total, priced by the core's own preview."""
    ports = container.order_ports()
    shown = [preview_order(ports, OrderDraft(company_id=company_id, service=FOLLOWERS,
                                             link=f"https://instagram.com/{name}", quantity=q))
             for name, q in (("one", 100), ("three", 250))]
    return sum(s.cost for s in shown), sum(s.total for s in shown)


def test_the_preview_totals_the_valid_lines_and_numbers_the_invalid(
        signed_in: Browser, container: Any) -> None:
    company_id = company(signed_in)
    key = form_key(signed_in.get("/orders/mass").text)
    result = signed_in.post("/orders/mass", {"companyId": company_id, "lines": LINES,
                                             "formKey": key, "action": "preview"},
                            csrf_from="/orders/mass")
    assert result.status_code == 200, result.text
    page = result.text
    assert 'data-figure="mass-lines">2 valid of 4' in page
    assert "<strong>Line 3</strong>: quantity" in page
    assert "<strong>Line 4</strong>: line expected service|link|quantity" in page
    assert form_key(page) == key  # the same form: placing it later uses this key
    cost, total = expected(container, company_id)
    assert f'data-figure="mass-total">{money(total)}<' in page
    assert f'data-figure="mass-profit">{money(total - cost)}<' in page
    assert adds(container) == 0  # a preview sends nothing


def test_placing_a_form_twice_places_each_line_once(signed_in: Browser, container: Any) -> None:
    company_id = company(signed_in)
    body = {"companyId": company_id, "lines": LINES, "formKey": f"mass-{uuid.uuid4()}",
            "action": "place"}
    refused = signed_in.post("/orders/mass", body)
    assert refused.status_code == 403 and adds(container) == 0  # no CSRF token
    first = signed_in.post("/orders/mass", body, csrf_from="/orders/mass")
    assert first.status_code == 303, first.text
    again = signed_in.post("/orders/mass", body, csrf_from="/orders/mass")
    assert again.headers["location"] == first.headers["location"]
    assert adds(container) == 2
    page = signed_in.get(first.headers["location"]).text
    assert page.count('data-line-status="placed"') == 2
    assert page.count('data-line-status="invalid"') == 2
    assert len(re.findall(r'href="/orders/[0-9a-f-]{36}"', page)) == 2
    assert "expected service|link|quantity" in page


def test_a_csv_upload_is_read_like_the_pasted_lines(signed_in: Browser, container: Any) -> None:
    company_id = company(signed_in)
    page = signed_in.get("/orders/mass").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    csv_text = (f"service,link,quantity\n{FOLLOWERS},https://instagram.com/csv1,100\n"
                f"{FOLLOWERS},ftp://nowhere,100\n")
    boundary = "----console-test"
    fields = {"csrf": csrf, "companyId": company_id, "formKey": "csv-1", "action": "preview"}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="lines.csv"\r\nContent-Type: text/csv\r\n\r\n{csv_text}\r\n')
    body = "".join(parts) + f"--{boundary}--\r\n"
    result = signed_in.client.simulate_post("/orders/mass", body=body, headers={
        **signed_in.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert result.status_code == 200, result.text
    assert 'data-figure="mass-lines">1 valid of 2' in result.text
    assert "<strong>Line 3</strong>: link" in result.text  # the spreadsheet's row number
    assert adds(container) == 0


def test_bad_forms_re_render_with_messages(signed_in: Browser, container: Any) -> None:
    company(signed_in)
    empty = signed_in.post("/orders/mass", {"companyId": "", "lines": "  ", "formKey": "k1",
                                            "action": "place"}, csrf_from="/orders/mass")
    assert empty.status_code == 422
    assert "Company is required" in empty.text and "Lines is empty" in empty.text
    many = "\n".join(f"{FOLLOWERS}|https://instagram.com/x{n}|100" for n in range(501))
    too_many = signed_in.post("/orders/mass", {"companyId": "x", "lines": many,
                                               "formKey": "k2", "action": "place"},
                              csrf_from="/orders/mass")
    assert too_many.status_code == 422 and "has 501 lines; at most 500" in too_many.text
    assert adds(container) == 0
    assert signed_in.get("/orders/mass/nope").status_code == 404
