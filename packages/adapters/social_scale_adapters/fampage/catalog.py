"""The bundled snapshot of Fampage's service list, with refill/cancel flags filled in.

The snapshot (`catalog.json`, 415 services) lacks the `refill` and `cancel` flags. They
are assigned deterministically: `refill` follows the name where it says so ("30 Day
Refill", "Lifetime Refill" -> true; "No Refill" -> false), otherwise a coin seeded by
(seed, service id) decides, as it does for `cancel`. The same seed always gives the same
flags, so the simulator and the in-memory fake agree.
"""

from __future__ import annotations

import copy
import json
import random
import re
from functools import cache
from importlib import resources
from typing import Any

from social_scale_core.panel.provider import Service

from social_scale_adapters.fampage.parsing import DOCUMENTED_CURRENCY, parse_services

_NO_REFILL = re.compile(r"\b(no|non)[\s-]*refill\b", re.IGNORECASE)
_REFILL = re.compile(r"refill", re.IGNORECASE)


@cache
def _snapshot() -> tuple[dict[str, Any], ...]:
    text = resources.files(__package__).joinpath("catalog.json").read_text(encoding="utf-8")
    return tuple(json.loads(text))


def _flags(seed: int, service_id: int, name: str) -> tuple[bool, bool]:
    coin = random.Random(f"fampage-catalog:{seed}:{service_id}")
    refill_coin, cancel_coin = coin.random() < 0.5, coin.random() < 0.5
    if _NO_REFILL.search(name):
        refill = False
    elif _REFILL.search(name):
        refill = True
    else:
        refill = refill_coin
    return refill, cancel_coin


def raw_catalog(seed: int = 0) -> list[dict[str, Any]]:
    """The panel's `services` answer as JSON-ready dicts (a fresh copy each call)."""
    items = []
    for entry in _snapshot():
        item = copy.deepcopy(entry)
        item["refill"], item["cancel"] = _flags(seed, int(item["service"]), str(item["name"]))
        items.append(item)
    return items


def catalog_services(seed: int = 0, currency: str = DOCUMENTED_CURRENCY) -> list[Service]:
    """The snapshot as domain Services (what a client would read from the simulator)."""
    return parse_services(raw_catalog(seed), currency)
