"""Comparing the panel's answer with the stored catalog: every change, with old and new."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from social_scale_core.money import money_str
from social_scale_core.panel.catalog.model import CatalogChange, CatalogEntry, ChangeKind
from social_scale_core.panel.provider import Service

PERCENT_STEP = Decimal("0.01")
_PLAIN = (("min", ChangeKind.MIN), ("max", ChangeKind.MAX), ("type", ChangeKind.TYPE),
          ("name", ChangeKind.NAME), ("category", ChangeKind.CATEGORY))
_FLAGS = ("refill", "cancel")


def rate_percent(old: Decimal, new: Decimal) -> Decimal | None:
    """(new - old) / old in percent, half-up to 2 decimals; None from a rate of 0."""
    if old == 0:
        return None
    return ((new - old) * 100 / old).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


def _rate_change(old: Service, new: Service, now: datetime,
                 alert_percent: Decimal) -> CatalogChange:
    percent = rate_percent(old.rate, new.rate)
    # Judged on the exact ratio, not the rounded percentage shown.
    significant = new.rate > old.rate and (new.rate - old.rate) * 100 >= alert_percent * old.rate
    return CatalogChange(new.service_id, new.name, ChangeKind.RATE, "rate",
                         money_str(old.rate, 4), money_str(new.rate, 4), now,
                         percent=percent, significant=significant)


def service_changes(old: Service, new: Service, now: datetime,
                    alert_percent: Decimal) -> list[CatalogChange]:
    """What differs between two listings of one service (rate, min, max, flags, type,
    name, category); a rate rise of at least `alert_percent` is `significant`."""
    changes: list[CatalogChange] = []
    if old.rate != new.rate:
        changes.append(_rate_change(old, new, now, alert_percent))
    for name, kind in _PLAIN:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(CatalogChange(new.service_id, new.name, kind, name, str(before),
                                         str(after), now))
    for name in _FLAGS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(CatalogChange(new.service_id, new.name, ChangeKind.FLAGS, name,
                                         str(before).lower(), str(after).lower(), now))
    return changes


def catalog_changes(stored: Mapping[int, CatalogEntry], listed: Iterable[Service],
                    now: datetime, alert_percent: Decimal) -> list[CatalogChange]:
    """Every change from `stored` to the panel's `listed` services, in service order:
    added (new, or listed again after removal), removed (stored, listed, now missing),
    and the field changes of the others."""
    fresh = {s.service_id: s for s in listed}
    changes: list[CatalogChange] = []
    for service_id in sorted(set(stored) | set(fresh)):
        entry, new = stored.get(service_id), fresh.get(service_id)
        if new is None:
            if entry is not None and entry.listed:
                changes.append(CatalogChange(service_id, entry.service.name,
                                             ChangeKind.REMOVED, None, None, None, now))
            continue
        if entry is None or not entry.listed:
            changes.append(CatalogChange(service_id, new.name, ChangeKind.ADDED, None, None,
                                         None, now))
        if entry is not None:
            changes.extend(service_changes(entry.service, new, now, alert_percent))
    return changes
