"""Pagination of the console's lists: ?page=N, a fixed page size, links that keep filters."""

from __future__ import annotations

from urllib.parse import urlencode

import falcon
from attrs import evolve, frozen

MAX_PAGE = 100_000


@frozen
class Pager:
    page: int
    size: int
    params: tuple[tuple[str, str], ...] = ()
    total: int | None = None

    @classmethod
    def of(cls, req: falcon.Request, size: int) -> Pager:
        raw = req.get_param("page") or "1"
        page = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1
        params = tuple((k, v) for k, v in req.params.items()
                       if k != "page" and isinstance(v, str) and v)
        return cls(page, size, params)

    def with_total(self, total: int) -> Pager:
        return evolve(self, total=total)

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
