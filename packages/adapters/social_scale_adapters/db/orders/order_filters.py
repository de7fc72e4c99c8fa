"""The order listings' filters as clauses with bound parameters, built once.

A statement is keyed by its shape (which filters it has and its sort), not by the values:
SQLAlchemy builds the statement and its cache key once per shape, and each request only
binds its values (issue 17: construction and cache keys showed in the read path's
profile).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from social_scale_core.orders.ports import OrderQuery
from sqlalchemy import Boolean, ColumnElement, bindparam, func

from social_scale_adapters.db.companies import like_pattern
from social_scale_adapters.db.orders.order_table import orders

_c = orders.c
_TYPES: dict[str, Any] = {"created_from": _c.created_at.type, "created_to": _c.created_at.type,
                          "allow_below_cost": Boolean()}
# Each filter's clause around its bound parameter.
_MAKERS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "status": lambda p: _c.status == p,
    "company_id": lambda p: _c.company_id == p,
    "service": lambda p: _c.service_id == p,
    "network": lambda p: func.lower(_c.network) == p,
    "link_contains": lambda p: func.lower(_c.link).like(p, escape="\\"),
    "created_from": lambda p: _c.created_at >= p,
    "created_to": lambda p: _c.created_at <= p,
    # `=` rather than IS: PostgreSQL's IS takes no parameter.
    "allow_below_cost": lambda p: _c.allow_below_cost == p,
}
# Built once, each parameter named as its filter.
CLAUSES = {name: make(bindparam(name, type_=_TYPES.get(name)))
           for name, make in _MAKERS.items()}


def filter_values(query: OrderQuery) -> dict[str, Any]:
    """The filters `query` sets, by name, with the values their parameters take (the
    filter's shape is the tuple of these names, in CLAUSES' order)."""
    values: dict[str, Any] = {}
    if query.status is not None:
        values["status"] = query.status.value
    if query.company_id is not None:
        values["company_id"] = query.company_id
    if query.service is not None:
        values["service"] = query.service
    if query.network:
        values["network"] = query.network.strip().lower()
    if query.link_contains:
        values["link_contains"] = like_pattern(query.link_contains)
    if query.created_from is not None:
        values["created_from"] = query.created_from
    if query.created_to is not None:
        values["created_to"] = query.created_to
    if query.allow_below_cost is not None:
        values["allow_below_cost"] = query.allow_below_cost
    return values


def shape(values: dict[str, Any]) -> tuple[str, ...]:
    return tuple(name for name in CLAUSES if name in values)


def bound(names: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """The clauses of a shape, their parameters left to bind at execution."""
    return [CLAUSES[name] for name in names]


def filters(query: OrderQuery) -> list[ColumnElement[bool]]:
    """The clauses of `query` with its values in them, for statements built per call
    (each parameter unique: a union of several listings binds each its own)."""
    values = filter_values(query)
    return [_MAKERS[name](bindparam(name, values[name], type_=_TYPES.get(name), unique=True))
            for name in shape(values)]
