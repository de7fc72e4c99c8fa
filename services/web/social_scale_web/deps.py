"""What the console is given by the composition root: the core's ports and a few settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from attrs import frozen
from social_scale_core.alerts.raising import AlertPorts
from social_scale_core.auth.sessions import AuthPorts
from social_scale_core.clock import Clock
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.delivery.deps import DeliveryPorts
from social_scale_core.invoicing.model import InvoicePolicy
from social_scale_core.invoicing.ports import InvoiceRenderer
from social_scale_core.orders.deps import OrderPorts
from social_scale_core.orders.mass import MassPorts
from social_scale_core.panel.catalog import CatalogPorts, StoredCatalog
from social_scale_core.ports.provider import Provider


@frozen
class ConsoleDeps:
    """`uow` makes the storage's unit of work (it serves every area's repositories);
    `secret` keys the cookie and CSRF signatures; `bootstrap_token`, when set, is asked
    for on the first-run page (production refuses first-run without one)."""

    auth: AuthPorts
    orders: Callable[[], OrderPorts]
    companies: CompanyPorts
    uow: Callable[[], Any]
    catalog: StoredCatalog
    provider: Provider
    renderer: InvoiceRenderer
    clock: Clock
    invoice_policy: InvoicePolicy
    delivery: Callable[[], DeliveryPorts]
    alerts: Callable[[], AlertPorts]
    mass: Callable[[], MassPorts]
    catalog_ports: CatalogPorts
    secret: str
    production: bool = False
    sandbox: bool = False
    idle_timeout: timedelta = timedelta(minutes=30)
    bootstrap_token: str | None = None
