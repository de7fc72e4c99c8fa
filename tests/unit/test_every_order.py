"""The one paging loop the API's and the console's CSV exports share."""

from __future__ import annotations

from typing import Any

from social_scale_core.analytics.model import OrderHistory
from social_scale_core.analytics.reports import EMPTY_FIGURES, every_order


def pages_of(rows: list[Any], calls: list[tuple[int, int]], *, total: int | None = None):
    def fetch(limit: int, offset: int) -> OrderHistory:
        calls.append((limit, offset))
        return OrderHistory(tuple(rows[offset:offset + limit]),
                            len(rows) if total is None else total, EMPTY_FIGURES)
    return fetch


def test_every_order_reads_each_page_once_in_order() -> None:
    rows, calls = list(range(25)), []  # stand-ins: the loop never looks inside an order
    assert list(every_order(pages_of(rows, calls), page=10)) == rows
    assert calls == [(10, 0), (10, 10), (10, 20)]


def test_every_order_stops_on_an_empty_page_even_if_the_total_says_more() -> None:
    calls: list[tuple[int, int]] = []
    assert list(every_order(pages_of(list(range(5)), calls, total=50), page=5)) == [0, 1, 2, 3, 4]
    assert calls == [(5, 0), (5, 5)]
