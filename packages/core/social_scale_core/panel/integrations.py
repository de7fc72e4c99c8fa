"""Use cases of the panel integration that the HTTP API exposes directly."""

from __future__ import annotations

from attrs import frozen

from social_scale_core.companies.ports import CompaniesUowFactory
from social_scale_core.companies.service import active_company
from social_scale_core.panel.catalog import CatalogSnapshot, StoredCatalog, group_by_network
from social_scale_core.panel.provider import Balance, Service
from social_scale_core.panel.provider_context import provider_call_context
from social_scale_core.ports.provider import Provider


@frozen
class ServiceListing:
    """The catalog grouped by network; `snapshot` says how fresh it is."""

    snapshot: CatalogSnapshot
    networks: list[tuple[str, list[Service]]]

    @property
    def total(self) -> int:
        return sum(len(services) for _, services in self.networks)


def browse_services(catalog: StoredCatalog, companies: CompaniesUowFactory,
                    network: str | None = None, company_id: str | None = None) -> ServiceListing:
    """The stored catalog, filtered by network (any case); loaded once if never loaded.

    A `company_id` must name an active company (NotFound otherwise) and is recorded with the
    panel call in the integration log.
    """
    if company_id is not None:
        with companies() as uow:
            active_company(uow.companies, company_id)
    with provider_call_context(company_id):
        snapshot = catalog.snapshot()
    return ServiceListing(snapshot, group_by_network(snapshot.services, network))


def account_balance(provider: Provider) -> Balance:
    """The panel account's balance, asked live (never cached: it moves with every order)."""
    with provider_call_context(None):
        return provider.balance()
