"""Pagination of the console's lists: ?page=N, or a keyset cursor (?after=) where a list
is long (the orders), a fixed page size, links that keep filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

import falcon
from attrs import evolve, frozen
from social_scale_core.orders.ports import OrderCursor, OrderPage, SortValue
from social_scale_core.panel.provider import OrderStatus

MAX_PAGE = 100_000
COUNT_CAP = 10_000  # lists count their matches up to this many, then say "more than"


@frozen
class Pager:
    page: int
    size: int
    params: tuple[tuple[str, str], ...] = ()
    total: int | None = None
    cap: int | None = None  # the total was counted up to this many + 1 only

    @classmethod
    def of(cls, req: falcon.Request, size: int) -> Pager:
        raw = req.get_param("page") or "1"
        page = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1
        params = tuple((k, v) for k, v in req.params.items()
                       if k != "page" and isinstance(v, str) and v)
        return cls(page, size, params)

    def with_total(self, total: int, cap: int | None = None) -> Pager:
        return evolve(self, total=total, cap=cap)

    @property
    def capped(self) -> bool:
        """More matched than were counted: the last page is not known."""
        return self.cap is not None and (self.total or 0) > self.cap

    @property
    def count_upto(self) -> int:
        """How far a list's count must go: to the end of this page and some pages past it."""
        return max(COUNT_CAP, self.offset + 10 * self.size)

    @property
    def limit(self) -> int:
        return self.size

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-(self.total or 0) // self.size))

    def link(self, page: int) -> str:
        return "?" + urlencode([*self.params, ("page", str(page))])


@frozen
class KeysetPager:
    """Keyset pages (the orders list): ?after=<sort value>~<id>, links that keep filters."""

    size: int
    params: tuple[tuple[str, str], ...] = ()
    after: str | None = None  # this page's own cursor as it came (None: the first page)
    next: str | None = None
    total: int | None = None

    @classmethod
    def of(cls, req: falcon.Request, size: int) -> KeysetPager:
        params = tuple((k, v) for k, v in req.params.items()
                       if k not in ("after", "page", "notice") and isinstance(v, str) and v)
        after = req.get_param("after")
        return cls(size, params, after if after and len(after) <= 200 else None)

    def cursor(self, sort: str) -> OrderCursor | None:
        return read_cursor(self.after, sort)

    def with_page(self, page: OrderPage) -> KeysetPager:
        nxt = None if page.next is None else write_cursor(page.next)
        return evolve(self, next=nxt, total=page.total)

    @property
    def first_link(self) -> str:
        return "?" + urlencode(self.params)

    @property
    def next_link(self) -> str:
        return "?" + urlencode([*self.params, ("after", self.next or "")])


def write_cursor(cursor: OrderCursor) -> str:
    value = cursor.value
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(
        value)
    return f"{text}~{cursor.order_id}"


def read_cursor(raw: str | None, sort: str) -> OrderCursor | None:
    """The cursor of ?after=, typed for the sort; None (the first page) if unreadable."""
    text, sep, order_id = (raw or "").rpartition("~")
    field = sort.removeprefix("-")
    if not sep or not order_id or len(order_id) > 64:
        return None
    if not text:
        return OrderCursor(None, order_id) if field in NULLABLE else None
    try:
        return OrderCursor(_typed(field, text), order_id)
    except (ValueError, ArithmeticError):
        return None


NULLABLE = ("completedAt", "charge")


def _typed(field: str, text: str) -> SortValue:
    if field in ("createdAt", "updatedAt", "completedAt"):
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("a cursor's time has its offset")
        return moment
    if field in ("cost", "charge"):
        amount = Decimal(text)
        if not amount.is_finite() or len(text) > 40:
            raise ValueError("not an amount")
        return amount
    if field == "quantity":
        if not text.isdigit() or len(text) > 18:
            raise ValueError("not a quantity")
        return int(text)
    if text not in {s.value for s in OrderStatus}:
        raise ValueError("not a status")
    return text
