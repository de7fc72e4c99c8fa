"""The console's orders list pages by keyset (?after=), on SQLite and PostgreSQL: following
the Next links gives every order once while new orders arrive, filters stay on the links,
and a cursor that cannot be read gives the first page, not an error."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from falcon import testing
from social_scale_app.app import create_app
from social_scale_wiring.container import Container

from tests.contract.test_order_keyset import orders_of, store
from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.http.console_support import Browser

ORDER_LINK = re.compile(r'href="/orders/(o[0-9]{4}-[0-9]{6})"')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def console(db_url: str, make_container: Callable[..., Container]) -> Browser:
    browser = Browser(testing.TestClient(create_app(make_container(db_url))))
    browser.post("/setup", {"name": "Admin", "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                 csrf_from="/setup")
    done = browser.post("/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                   "next": "/orders"}, csrf_from="/login")
    assert done.status_code == 303, done.text
    return browser


@pytest.fixture
def company_id(console: Browser) -> str:
    made = console.post("/companies/new", {"name": "Acme", "defaultInvoiceMultiplier": "8"},
                        csrf_from="/companies/new")
    return str(made.headers["location"].split("/companies/")[1].split("?")[0])


def walk(console: Browser, start: str, between: Callable[[int], None]) -> list[str]:
    """Order ids of every page from `start`, following Next; `between(n)` after page n."""
    ids: list[str] = []
    path, pages = start, 0
    while True:
        page = console.get(path)
        assert page.status_code == 200, page.text
        ids.extend(ORDER_LINK.findall(page.text))
        found = NEXT.search(page.text)
        if found is None:
            return ids
        pages += 1
        assert pages < 50, "the pages never end"
        between(pages)
        path = "/orders" + unescape(found.group(1))


@pytest.mark.parametrize("sort", ["-createdAt", "createdAt", "-charge", "completedAt"])
def test_next_links_list_every_order_once_while_orders_arrive(
        console: Browser, company_id: str, uow_factory: Any, sort: str) -> None:
    rng = random.Random(sort)
    first = orders_of(company_id, 0, 120, rng)
    store(uow_factory, first)
    arrived: list[str] = []

    def arrive(n: int) -> None:
        new = orders_of(company_id, 1000 * n, 7, rng)
        store(uow_factory, new)
        arrived.extend(o.id for o in new)

    ids = walk(console, f"/orders?sort={sort}", arrive)
    assert len(ids) == len(set(ids)), "an order was listed twice"
    assert {o.id for o in first} <= set(ids), "an order was skipped"
    assert arrived, "no order arrived between the pages"
    if sort == "-createdAt":  # newest first: the arrivals come before the cursor
        assert not set(arrived) & set(ids)


def test_filters_stay_on_the_next_link_and_a_bad_cursor_gives_the_first_page(
        console: Browser, company_id: str, uow_factory: Any) -> None:
    made = orders_of(company_id, 0, 180, random.Random(3))
    store(uow_factory, made)
    partial = {o.id for o in made if o.status.value == "partial"}
    ids = walk(console, "/orders?status=partial&sort=-createdAt", lambda n: None)
    assert sorted(ids) == sorted(partial) and len(partial) > 50
    first = console.get("/orders")
    assert f"{len(made)} in all" in first.text
    for bad in ("nonsense", "~", "2026-13-01~o1", "x~" + "o" * 80, "~o0001-000001"):
        page = console.get(f"/orders?after={bad}")
        assert page.status_code == 200
        assert ORDER_LINK.findall(page.text) == ORDER_LINK.findall(first.text)
    wrong = console.get("/orders?sort=quantity&after=1.5~o0001-000001")
    assert wrong.status_code == 200 and 'rel="first"' in wrong.text
