"""Companies in SQL on SQLite and PostgreSQL: round trip, search, pages, soft delete, and
the public creation's per-client limit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from social_scale_core.clock import FrozenClock
from social_scale_core.companies import service
from social_scale_core.companies.model import CompanyDetails
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.errors import NotFound, RateLimited
from social_scale_core.rate_limit import RateRule

NOW = datetime(2026, 11, 24, 10, 0, 30, tzinfo=UTC)


@pytest.fixture
def ports(uow_factory) -> CompanyPorts:  # type: ignore[no-untyped-def]
    return CompanyPorts(uow=uow_factory, clock=FrozenClock(NOW), create_rule=RateRule(3, 3600))


def test_a_company_round_trips_exactly(ports: CompanyPorts) -> None:
    details = CompanyDetails(name="Café Ünïcode", email="a@b.in", phone="+919876543210",
                             address="4 Park St", gstin="19ABCDE1234F1Z5", state_code="19",
                             notes="VIP")
    made = service.create_company(ports, details, "10.0.0.1")
    created = service.update_company(ports, made.id,
                                     {"default_invoice_multiplier": Decimal("7.2500")})
    stored = service.get_company(ports, created.id)
    assert stored == created and stored.details.default_invoice_multiplier == Decimal("7.25")


def test_search_is_literal_case_insensitive_over_name_and_email(ports: CompanyPorts) -> None:
    for i, (name, email) in enumerate([("Acme 100%", "ops@acme.in"), ("Beta_Co", None),
                                       ("Gamma", "hello@ACME.com")]):
        ports.clock.advance(seconds=1)  # type: ignore[attr-defined]
        service.create_company(ports, CompanyDetails(name=name, email=email), f"ip{i}")
    names = lambda q: [c.details.name for c in service.list_companies(ports, q, 50, 0)[0]]  # noqa: E731
    assert names("acme") == ["Gamma", "Acme 100%"]  # newest first
    assert names("100%") == ["Acme 100%"] and names("e_1") == [] and names("_co") == ["Beta_Co"]
    page, total = service.list_companies(ports, None, 2, 1)
    assert total == 3 and [c.details.name for c in page] == ["Beta_Co", "Acme 100%"]


def test_a_deleted_company_is_gone_from_reads_but_kept(ports: CompanyPorts) -> None:
    company = service.create_company(ports, CompanyDetails(name="Gone"), "ip")
    service.delete_company(ports, company.id)
    with pytest.raises(NotFound):
        service.get_company(ports, company.id)
    with pytest.raises(NotFound):
        service.update_company(ports, company.id, {"name": "Back"})
    assert service.list_companies(ports, None, 50, 0) == ([], 0)
    with ports.uow() as uow:
        kept = uow.companies.get(company.id)
    assert kept is not None and kept.deleted_at == NOW


def test_update_changes_only_the_given_fields(ports: CompanyPorts) -> None:
    company = service.create_company(
        ports, CompanyDetails(name="A", email="a@b.in", gstin="27ABCDE1234F1Z5"), "ip")
    updated = service.update_company(ports, company.id, {"email": None, "notes": "n"})
    assert updated.details.email is None and updated.details.notes == "n"
    assert service.get_company(ports, company.id).details.gstin == "27ABCDE1234F1Z5"


def test_creation_is_limited_per_client(ports: CompanyPorts) -> None:
    for _ in range(3):
        service.create_company(ports, CompanyDetails(name="A"), "10.0.0.9")
    with pytest.raises(RateLimited) as exc:
        service.create_company(ports, CompanyDetails(name="A"), "10.0.0.9")
    assert 0 < exc.value.retry_after <= 3600
    service.create_company(ports, CompanyDetails(name="B"), "10.0.0.10")  # another client
    assert service.list_companies(ports, None, 50, 0)[1] == 4
