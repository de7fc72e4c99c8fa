"""The console's pages and forms over falcon's TestClient on the real container (SQLite):
sign-in gate, CSRF on every POST, 303 after a POST, messages beside bad fields."""

from __future__ import annotations

import re
from typing import Any

import pytest
from falcon import testing

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.http.console_support import Browser

PAGES = ["/", "/companies", "/companies/new", "/orders", "/orders/new", "/orders/mass",
         "/invoices", "/alerts", "/services/changes",
         "/analytics", "/services", "/logs", "/account"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_signed_out_to_sign_in(browser: Browser, path: str) -> None:
    result = browser.get(path)
    assert result.status_code == 303
    assert result.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_the_operator_with_the_console_csp(
        signed_in: Browser, path: str) -> None:
    result = signed_in.get(path)
    assert result.status_code == 200, result.text
    assert result.headers["content-type"].startswith("text/html")
    csp = result.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "Traceback" not in result.text and "<script>" not in result.text


def test_the_first_run_page_goes_away_once_the_admin_exists(signed_in: Browser) -> None:
    assert signed_in.get("/setup").headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/companies/new", "/logout", "/account/sign-out-everywhere",
                                  "/orders/new", "/orders/sync"])
def test_a_post_without_the_csrf_token_is_refused(signed_in: Browser, path: str) -> None:
    result = signed_in.post(path, {"name": "Evil Corp"})
    assert result.status_code == 403 and "form has expired" in result.text
    assert signed_in.get("/").status_code == 200  # still signed in: logout did not happen


def test_a_token_of_another_session_is_refused(signed_in: Browser,
                                               client: testing.TestClient) -> None:
    other = Browser(client)
    page = other.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert signed_in.post("/companies/new", {"csrf": token, "name": "X"}).status_code == 403


def test_wrong_password_re_renders_with_a_message(browser: Browser, signed_in: Browser) -> None:
    signed_in.cookies.clear()
    result = signed_in.post("/login", {"email": ADMIN_EMAIL, "password": "nope"},
                            csrf_from="/login")
    assert result.status_code == 401 and "Wrong email or password" in result.text


def test_a_company_is_created_with_messages_beside_bad_fields(signed_in: Browser) -> None:
    bad = signed_in.post("/companies/new", {"name": "Acme", "gstin": "nonsense",
                                            "defaultInvoiceMultiplier": "lots"},
                         csrf_from="/companies/new")
    assert bad.status_code == 422
    assert "GSTIN must be a 15-character GSTIN" in bad.text
    assert "Default invoice multiplier must be a number" in bad.text
    assert 'value="Acme"' in bad.text  # what was typed stays
    good = signed_in.post("/companies/new", {"name": "Acme", "defaultInvoiceMultiplier": "6"},
                          csrf_from="/companies/new")
    assert good.status_code == 303
    page = signed_in.get(good.headers["location"].split("?")[0])
    assert page.status_code == 200 and "Acme" in page.text


def test_an_unknown_company_is_a_404_page_not_a_trace(signed_in: Browser) -> None:
    result = signed_in.get("/companies/no-such-company")
    assert result.status_code == 404 and "Not found" in result.text
    assert "Traceback" not in result.text


def test_a_bad_order_form_says_what_to_fix_and_sends_nothing(signed_in: Browser) -> None:
    company = signed_in.post("/companies/new", {"name": "Acme"}, csrf_from="/companies/new")
    company_id = company.headers["location"].split("/companies/")[1].split("?")[0]
    form = f"/orders/new?companyId={company_id}&network=Instagram&service=2124"
    bad = signed_in.post("/orders/new", {"companyId": company_id, "service": "2124",
                                         "link": "https://instagram.com/x", "quantity": "1",
                                         "formKey": "k1", "action": "place"}, csrf_from=form)
    assert bad.status_code == 422 and "Quantity must be between 10 and 100000" in bad.text
    assert signed_in.get("/orders").text.count('class="badge') == 0


def test_the_preview_endpoint_prices_the_form(signed_in: Browser) -> None:
    company = signed_in.post("/companies/new", {"name": "Acme", "defaultInvoiceMultiplier": "8"},
                             csrf_from="/companies/new")
    company_id = company.headers["location"].split("/companies/")[1].split("?")[0]
    body = {"companyId": company_id, "service": "2124", "link": "https://instagram.com/x",
            "quantity": "1000"}
    preview = signed_in.post("/orders/new/preview", body, csrf_from="/orders/new")
    assert preview.status_code == 200, preview.text
    figures = preview.json["figures"]
    assert figures["multiplier"] == "8" and figures["cost"].startswith("₹")
    assert preview.json["ok"] is True
    wrong = signed_in.post("/orders/new/preview", {**body, "quantity": "5"},
                           csrf_from="/orders/new")
    assert wrong.json == {"ok": False, "errors": {
        "quantity": "must be between 10 and 100000 for this service"}}


def test_logout_ends_the_session_for_the_old_cookie(signed_in: Browser) -> None:
    old = dict(signed_in.cookies)
    assert signed_in.post("/logout", {}, csrf_from="/").status_code == 303
    signed_in.cookies = old
    assert signed_in.get("/").status_code == 303


def test_sign_out_everywhere_ends_api_sessions_too(signed_in: Browser,
                                                   client: testing.TestClient) -> None:
    tokens = client.simulate_post("/api/v1/auth/login", json={
        "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json
    old = dict(signed_in.cookies)
    done = signed_in.post("/account/sign-out-everywhere", {}, csrf_from="/account")
    assert done.status_code == 303
    refreshed = client.simulate_post("/api/v1/auth/refresh-token",
                                     json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 401
    signed_in.cookies = old
    assert signed_in.get("/").status_code == 303


def test_a_password_change_ends_the_session(signed_in: Browser) -> None:
    old = dict(signed_in.cookies)
    new = "a whole new passphrase 42"
    changed = signed_in.post("/account/password", {
        "currentPassword": ADMIN_PASSWORD, "newPassword": new, "confirmPassword": new},
        csrf_from="/account")
    assert changed.status_code == 303
    signed_in.cookies = old
    assert signed_in.get("/").status_code == 303


def test_an_idle_session_expires(make_container: Any) -> None:
    from datetime import timedelta

    from social_scale_app.app import create_app
    client = testing.TestClient(create_app(make_container(
        console_idle_timeout=timedelta(seconds=0))))
    b = Browser(client)
    b.post("/setup", {"name": "A", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
           csrf_from="/setup")
    import time
    b.post("/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, csrf_from="/login")
    time.sleep(1.1)
    assert b.get("/").status_code == 303


def test_the_login_next_never_leaves_the_site(browser: Browser, signed_in: Browser) -> None:
    signed_in.cookies.pop("ss_console")
    result = signed_in.post("/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                       "next": "//evil.example/"}, csrf_from="/login")
    assert result.status_code == 303 and result.headers["location"] == "/"


def test_a_re_posted_order_form_places_one_order(placed: tuple[Browser, str, str]) -> None:
    browser, _, _ = placed
    assert browser.get("/orders").text.count('name="apiOrderId"') == 1


def test_an_invoice_goes_sent_then_paid_and_no_further(placed: tuple[Browser, str, str]) -> None:
    browser, _, order_id = placed
    page = browser.get(f"/orders/{order_id}").text
    invoice_id = re.search(r'href="/invoices/([^"]+)" data-invoice-link', page).group(1)  # type: ignore[union-attr]
    path = f"/invoices/{invoice_id}"
    assert browser.get(f"{path}/pdf").content.startswith(b"%PDF")
    for target in ("sent", "paid"):
        done = browser.post(f"{path}/status", {"status": target}, csrf_from=path)
        assert done.status_code == 303 and target in browser.get(path).text
    assert 'value="void"' not in browser.get(path).text  # no button for an illegal change
    illegal = browser.post(f"{path}/status", {"status": "void"}, csrf_from=path)
    assert illegal.status_code == 409 and "cannot go from paid to void" in illegal.text


def test_analytics_lookup_and_csv_downloads(placed: tuple[Browser, str, str]) -> None:
    browser, company_id, order_id = placed
    page = browser.get("/analytics?url=instagram.com/acme")
    assert page.status_code == 200 and f"/orders/{order_id}" in page.text
    rows = browser.get(f"/companies/{company_id}/orders.csv")
    assert rows.headers["content-type"].startswith("text/csv")
    lines = rows.text.strip().splitlines()
    assert lines[0].startswith("orderId,") and len(lines) == 2 and order_id in lines[1]
    table = browser.get("/analytics/companies.csv").text.splitlines()
    assert any(line.startswith(company_id) for line in table)


def test_bulk_sync_of_selected_orders(placed: tuple[Browser, str, str]) -> None:
    browser, _, _ = placed
    api_id = re.search(r'name="apiOrderId" value="(\d+)"', browser.get("/orders").text)
    assert api_id is not None
    done = browser.post("/orders/sync", {"apiOrderId": [api_id.group(1)]}, csrf_from="/orders")
    assert done.status_code == 303 and done.headers["location"] == "/orders?notice=synced"
    nothing = browser.post("/orders/sync", {}, csrf_from="/orders")
    assert nothing.headers["location"] == "/orders?notice=nothing-selected"


def test_order_filters_and_pages_keep_their_parameters(placed: tuple[Browser, str, str]) -> None:
    browser, company_id, _ = placed
    assert browser.get(f"/orders?companyId={company_id}&status=pending").status_code == 200
    assert "No orders match" in browser.get("/orders?status=failed").text
    assert browser.get("/orders?status=bogus&sort=nonsense&page=-4").status_code == 200


def test_the_preview_with_gst_equals_the_invoice_the_order_gets(
        make_container: Any) -> None:
    from social_scale_app.app import create_app
    client = testing.TestClient(create_app(make_container(
        invoice_tax_mode="gst", agency_gstin="27ABCDE1234F1Z5", agency_state_code="27")))
    b = Browser(client)
    b.post("/setup", {"name": "A", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
           csrf_from="/setup")
    b.post("/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, csrf_from="/login")
    made = b.post("/companies/new", {"name": "Acme", "gstin": "29ABCDE1234F1Z5",
                                     "stateCode": "29"}, csrf_from="/companies/new")
    company_id = made.headers["location"].split("/companies/")[1].split("?")[0]
    body = {"companyId": company_id, "service": "2124", "link": "https://instagram.com/acme",
            "quantity": "1000", "invoiceMultiplier": "7.5"}
    figures = b.post("/orders/new/preview", body, csrf_from="/orders/new").json["figures"]
    assert figures["tax"] != "₹0.00"
    placed = b.post("/orders/new", {**body, "formKey": "gst-1", "action": "place"},
                    csrf_from="/orders/new")
    order_page = b.get(placed.headers["location"].split("?")[0]).text
    invoice_id = re.search(r'href="/invoices/([^"]+)" data-invoice-link', order_page).group(1)  # type: ignore[union-attr]
    invoice = b.get(f"/invoices/{invoice_id}").text
    assert f'<strong>{figures["total"]}</strong>' in invoice and "IGST" in invoice


def test_the_dashboard_shows_todays_order_in_the_day_chart(
        placed: tuple[Browser, str, str]) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo
    browser, _, _ = placed
    page = browser.get("/").text
    today = datetime.now(ZoneInfo("Asia/Kolkata")).strftime("%d %b")
    revenue = re.search(r'data-figure="revenue">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert f"<title>{today}: Revenue {revenue}</title>" in page
    assert 'data-figure="orders-today">1<' in page and 'data-figure="open">1<' in page


def test_the_new_order_pickers_search_companies(signed_in: Browser) -> None:
    for name in ("Acme", "Globex"):
        signed_in.post("/companies/new", {"name": name}, csrf_from="/companies/new")
    page = signed_in.get("/orders/new?companySearch=glob").text
    assert ">Globex</option>" in page and ">Acme</option>" not in page


def _company(browser: Browser) -> str:
    made = browser.post("/companies/new", {"name": "Acme"}, csrf_from="/companies/new")
    return str(made.headers["location"].split("/companies/")[1].split("?")[0])


def test_custom_comments_must_match_the_quantity(signed_in: Browser) -> None:
    company_id = _company(signed_in)
    form = f"/orders/new?companyId={company_id}&service=2188"
    page = signed_in.get(form).text
    assert 'name="comments"' in page and "data-line-counter" in page
    bad = signed_in.post("/orders/new", {
        "companyId": company_id, "service": "2188", "link": "https://instagram.com/p/abc",
        "quantity": "5", "comments": "great\nlove it", "formKey": "c1", "action": "place"},
        csrf_from=form)
    assert bad.status_code == 422
    assert "Comments has 2 comment lines; the quantity is 5" in bad.text


def test_an_unknown_outcome_says_what_to_do_and_can_be_resolved(
        signed_in: Browser, container: Any) -> None:
    from social_scale_adapters.fampage.simulator import parse_fault
    company_id = _company(signed_in)
    container.simulator().state.set_fault(*parse_fault("add=timeout"))
    body = {"companyId": company_id, "service": "2124", "link": "https://instagram.com/acme",
            "quantity": "100", "formKey": "u1", "action": "place"}
    result = signed_in.post("/orders/new", body, csrf_from="/orders/new")
    assert result.status_code == 502 and "The outcome is unknown" in result.text
    assert "Do not place it again" in result.text
    order_path = re.search(r'href="(/orders/[0-9a-f-]{36})"', result.text).group(1)  # type: ignore[union-attr]
    page = signed_in.get(order_path).text
    assert "Resolve this order" in page
    missing = signed_in.post(f"{order_path}/resolve", {"outcome": "placed"}, csrf_from=order_path)
    assert missing.status_code == 422 and "give the panel" in missing.text
    done = signed_in.post(f"{order_path}/resolve", {"outcome": "failed"}, csrf_from=order_path)
    assert done.status_code == 303
    assert "badge s-failed" in signed_in.get(order_path).text


def test_a_failed_order_links_to_placing_it_again(signed_in: Browser, container: Any) -> None:
    from social_scale_adapters.fampage.simulator import parse_fault
    company_id = _company(signed_in)
    container.simulator().state.set_fault(*parse_fault("add=error:Not enough funds"))
    body = {"companyId": company_id, "service": "2124", "link": "https://instagram.com/acme",
            "quantity": "100", "formKey": "f1", "action": "place"}
    refused = signed_in.post("/orders/new", body, csrf_from="/orders/new")
    assert refused.status_code in (409, 502) and "was not placed" in refused.text
    assert "Not enough funds" in refused.text
    order_path = re.search(r'href="(/orders/[0-9a-f-]{36})"', refused.text).group(1)  # type: ignore[union-attr]
    again = re.search(r'href="(/orders/new\?[^"]+)">Place it again', signed_in.get(order_path).text)
    assert again is not None
    form = signed_in.get(again.group(1).replace("&amp;", "&")).text
    assert 'value="https://instagram.com/acme"' in form and 'value="100"' in form
    assert f'href="{order_path}"' in signed_in.get("/").text  # under "needs review"


def test_the_login_throttle_holds_for_the_console_too(signed_in: Browser) -> None:
    signed_in.cookies.pop("ss_console")
    statuses = []
    for _ in range(30):
        result = signed_in.post("/login", {"email": ADMIN_EMAIL, "password": "wrong"},
                                csrf_from="/login")
        statuses.append(result.status_code)
        if result.status_code == 429:
            assert "Too many attempts" in result.text and result.headers["retry-after"]
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}


NASTY_GETS = [
    "/orders?from=2026-13-45&to=yesterday&service=99999999999999999999&sort=-%00",
    "/orders?status=%E2%9C%93&companyId=" + "x" * 5000 + "&page=99999999",
    "/invoices?status=overdue&from=%00&page=abc", "/invoices/%2e%2e%2fetc",
    "/companies?search=%25%27%22%3C&page=0", "/companies/%00/edit",
    "/orders/new?service=abc&companyId=%3Cscript%3E&network=%00&quantity=-1",
    "/analytics?from=2026-02-30&url=%00", "/analytics?url=" + "a" * 3000,
    "/logs?success=maybe&action=%27", "/services?network=%00&search=" + "z" * 500,
    "/static/..%2Fsession.py", "/static/console.py", "/orders/not-an-id",
    "/invoices/not-an-id/pdf", "/companies/nope/orders.csv", "/login?next=%00",
]


@pytest.mark.parametrize("path", NASTY_GETS)
def test_odd_urls_never_give_a_server_error(signed_in: Browser, path: str) -> None:
    result = signed_in.get(path)
    assert result.status_code < 500, result.text[:500]
    assert "Traceback" not in result.text


NASTY_POSTS = [
    ("/companies/new", {"name": "x" * 300, "defaultInvoiceMultiplier": "1e999999"}),
    ("/companies/new", {"name": "Acme", "defaultInvoiceMultiplier": "-3"}),
    ("/orders/new", {"service": "2124", "quantity": "99999999999999999999999",
                     "companyId": "nope", "link": "ftp://x", "formKey": "n1"}),
    ("/orders/new", {"service": "-1", "quantity": "1.5", "runs": "x", "formKey": "n2"}),
    ("/orders/new/preview", {"service": "2124", "invoiceMultiplier": "NaN"}),
    ("/orders/new/preview", {}),
    ("/orders/sync", {"apiOrderId": ["1", "x", "9" * 30]}),
    ("/orders/nope/resolve", {"outcome": "placed", "apiOrderId": "12"}),
    ("/orders/nope/cancel", {}), ("/invoices/nope/status", {"status": "paid"}),
    ("/invoices/nope/status", {"status": "overdue"}),
    ("/account/password", {"currentPassword": "", "newPassword": "", "confirmPassword": ""}),
]


@pytest.mark.parametrize(("path", "data"), NASTY_POSTS)
def test_odd_forms_never_give_a_server_error(signed_in: Browser, path: str,
                                             data: dict[str, Any]) -> None:
    result = signed_in.post(path, data, csrf_from="/")
    assert result.status_code < 500, result.text[:500]
    assert "Traceback" not in result.text


def test_the_dashboard_cuts_days_at_local_midnight_and_ranks_companies_by_profit(
        signed_in: Browser, container: Any) -> None:
    """Two orders a second either side of midnight in Asia/Kolkata (18:30 UTC): each in
    its own local day's bar, only the later one today; the top company is the one with the
    larger profit this month (both orders fall in it unless today is the 1st)."""
    from datetime import UTC, datetime
    from datetime import timedelta as td
    from decimal import Decimal as D
    from zoneinfo import ZoneInfo

    from social_scale_web import periods

    from tests.analytics_data import Bill, Data, Ord, store

    zone = ZoneInfo("Asia/Kolkata")
    now = datetime.now(UTC)
    midnight = periods.day_start(now, zone)
    if now - midnight < td(seconds=5):  # a local day just begun: the later order ahead
        midnight -= td(days=1)
    ids = ["00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"]

    def order(n: int, at: datetime, company: int, total: str) -> Ord:
        return Ord(f"10000000-0000-0000-0000-{n:012d}", company, 101, "instagram.com/alpha",
                   "https://instagram.com/alpha", 100, None, "completed", "INR", D("1.5"),
                   None, at, Bill(f"bill-{n}", "sent", "INR", D(total)))

    store(container.engine(), Data(ids, [order(1, midnight - td(seconds=1), 0, "100.00"),
                                         order(2, midnight + td(seconds=1), 1, "250.00")]))
    page = signed_in.get("/").text
    today = midnight.astimezone(zone)
    before = (today - td(days=1)).strftime("%d %b")
    assert f"<title>{before}: Revenue ₹100</title>" in page
    assert f"<title>{today:%d %b}: Revenue ₹250</title>" in page
    assert 'data-figure="orders-today">1<' in page
    top = re.findall(r'<a href="/companies/([0-9a-f-]+)">', page)
    assert top[0] == ids[1]


def test_the_dashboard_asks_the_panel_balance_at_most_every_few_seconds(
        signed_in: Browser, container: Any) -> None:
    """Each ask is a panel call (and one of the budget's): reloads within the cache's
    time to live show the balance asked before, and say how old it is."""
    import time

    from social_scale_adapters.db.panel.integration_logs import integration_logs
    from sqlalchemy import func, select

    def asks() -> int:
        with container.engine().connect() as conn:
            return int(conn.execute(select(func.count()).select_from(integration_logs).where(
                integration_logs.c.action == "balance")).scalar_one())

    first = signed_in.get("/")
    before = asks()
    assert before >= 1  # the first load asked the panel
    time.sleep(1.1)
    again = signed_in.get("/")
    assert asks() == before  # not asked again
    assert 'data-figure="balance"' in first.text and 'data-figure="balance"' in again.text
    assert re.search(r"asked [1-9]\d* s ago", again.text)
