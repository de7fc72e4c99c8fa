"""Control endpoints of the simulated panel's catalog: change a service, add or remove one.

    GET    /_control/services               {"services": [...]} as `services` answers
    POST   /_control/services/{id}          {"rate": "300.5", "max": 5000, ...} changes the
                                            given fields (name, type, category, rate, min,
                                            max, refill, cancel); a new id needs them all
    DELETE /_control/services/{id}          the panel stops listing the service (404 if it
                                            does not)
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import falcon
from social_scale_core.money import money_str

from social_scale_adapters.fampage.simulator.state import SimState

_TEXT = ("name", "type", "category")
_INTS = ("min", "max")
_FLAGS = ("refill", "cancel")
FIELDS = (*_TEXT, "rate", *_INTS, *_FLAGS)


def _parsed(data: dict[str, Any]) -> dict[str, Any]:
    """The fields given, as the panel answers them (rate a 4+ decimal string); ValueError."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; use {list(FIELDS)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in _TEXT:
            values[name] = str(value)
        elif name in _INTS:
            values[name] = int(value)
        elif name in _FLAGS:
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            values[name] = value
        else:
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                raise ValueError(f"rate {value!r} is not a decimal") from None
            if not rate.is_finite() or rate < 0:
                raise ValueError("rate must be a non-negative decimal")
            values[name] = money_str(rate, 4)
    return values


class ServicesControl:
    """The key in `X-Api-Key` as for every control call (`check` is the shared one)."""

    def __init__(self, state: SimState, check: Any) -> None:
        self.state = state
        self.check = check

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.check(req)
        with self.state.lock:
            resp.media = {"services": [dict(s) for s in self.state.services.values()]}

    def on_post_one(self, req: falcon.Request, resp: falcon.Response, service_id: int) -> None:
        data = self.check(req)
        try:
            values = _parsed(data)
        except (TypeError, ValueError) as exc:
            raise falcon.HTTPBadRequest(title=f"bad service change: {exc}") from None
        with self.state.lock:
            current = self.state.services.get(service_id)
            if current is None and set(values) != set(FIELDS):
                raise falcon.HTTPBadRequest(title=f"a new service needs {list(FIELDS)}")
            item = {**(current or {"service": service_id}), **values}
            self.state.services[service_id] = item
            resp.media = dict(item)

    def on_delete_one(self, req: falcon.Request, resp: falcon.Response,
                      service_id: int) -> None:
        self.check(req)
        with self.state.lock:
            if self.state.services.pop(service_id, None) is None:
                raise falcon.HTTPNotFound(title="Incorrect service ID")
        resp.status = falcon.HTTP_204
