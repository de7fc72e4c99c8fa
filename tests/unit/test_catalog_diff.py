"""The catalog's change detection: every field, percentages, significance, added/removed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.panel.catalog import CatalogEntry, ChangeKind, group_by_network
from social_scale_core.panel.catalog.diff import catalog_changes, rate_percent
from social_scale_core.panel.provider import Service

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TEN = Decimal(10)


def svc(service_id: int = 1, network: str = "Instagram", rate: str = "100.0000",
        **changes: object) -> Service:
    base = Service(service_id=service_id, name=f"S{service_id}", type="Default",
                   category=f"{network} : Likes", network=network, rate=Decimal(rate),
                   min=10, max=1000, refill=False, cancel=False, currency="INR")
    return evolve(base, **changes)


def stored(*services: Service, removed: datetime | None = None) -> dict[int, CatalogEntry]:
    return {s.service_id: CatalogEntry(s, removed) for s in services}


def test_an_unchanged_listing_has_no_changes() -> None:
    assert catalog_changes(stored(svc(1), svc(2)), [svc(2), svc(1)], NOW, TEN) == []


@pytest.mark.parametrize(("new_rate", "percent", "significant"), [
    ("110.0000", "10.00", True),   # exactly the threshold
    ("109.9990", "10.00", False),  # rounds to 10.00 for display, but is below it
    ("150.0000", "50.00", True),
    ("90.0000", "-10.00", False),  # a fall is never significant
    ("100.0001", "0.00", False),
])
def test_a_rate_change_carries_its_percentage(new_rate: str, percent: str,
                                              significant: bool) -> None:
    [change] = catalog_changes(stored(svc()), [svc(rate=new_rate)], NOW, TEN)
    assert change.kind is ChangeKind.RATE and change.field == "rate"
    assert (change.old, change.new) == ("100.0000", new_rate)
    assert change.percent == Decimal(percent)
    assert change.significant is (Decimal(new_rate) >= Decimal("110"))
    assert change.significant is significant


def test_a_rise_from_zero_has_no_percentage_but_is_significant() -> None:
    [change] = catalog_changes(stored(svc(rate="0")), [svc(rate="1.5")], NOW, TEN)
    assert change.percent is None and change.significant


def test_every_field_is_compared_with_old_and_new_values() -> None:
    new = svc(min=20, max=5000, refill=True, cancel=True, type="Package", name="Renamed",
              category="Instagram : Followers")
    changes = catalog_changes(stored(svc()), [new], NOW, TEN)
    found = {(c.kind, c.field, c.old, c.new) for c in changes}
    assert found == {
        (ChangeKind.MIN, "min", "10", "20"), (ChangeKind.MAX, "max", "1000", "5000"),
        (ChangeKind.FLAGS, "refill", "false", "true"),
        (ChangeKind.FLAGS, "cancel", "false", "true"),
        (ChangeKind.TYPE, "type", "Default", "Package"),
        (ChangeKind.NAME, "name", "S1", "Renamed"),
        (ChangeKind.CATEGORY, "category", "Instagram : Likes", "Instagram : Followers"),
    }
    assert all(c.detected_at == NOW and c.name == "Renamed" for c in changes)


def test_added_removed_and_listed_again() -> None:
    changes = catalog_changes(stored(svc(1), svc(2)), [svc(1), svc(3)], NOW, TEN)
    assert [(c.service_id, c.kind) for c in changes] == [(2, ChangeKind.REMOVED),
                                                         (3, ChangeKind.ADDED)]
    gone = stored(svc(4), removed=NOW)
    assert catalog_changes(gone, [], NOW, TEN) == []  # already removed: nothing new
    [back] = catalog_changes(gone, [svc(4)], NOW, TEN)
    assert back.kind is ChangeKind.ADDED


@given(old=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10**6), places=4),
       new=st.decimals(min_value=Decimal(0), max_value=Decimal(10**6), places=4))
def test_the_percentage_is_exact_to_the_cent(old: Decimal, new: Decimal) -> None:
    percent = rate_percent(old, new)
    assert percent is not None and percent.as_tuple().exponent == -2
    assert abs(percent - (new - old) * 100 / old) <= Decimal("0.005")


def test_grouping_by_network_filters_case_insensitively_and_sorts() -> None:
    services = [svc(9, "Other"), svc(3, "Instagram"), svc(2, "TikTok"), svc(1, "Instagram")]
    groups = group_by_network(services)
    assert [name for name, _ in groups] == ["Instagram", "TikTok", "Other"]
    assert [s.service_id for s in groups[0][1]] == [1, 3]
    only = group_by_network(services, " instagram ")
    assert [name for name, _ in only] == ["Instagram"]
    assert group_by_network(services, "myspace") == []
