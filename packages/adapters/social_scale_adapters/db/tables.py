"""Every table, imported so that `metadata` knows them all (Alembic and tests use this)."""

from __future__ import annotations

from social_scale_adapters.db import companies as _companies  # noqa: F401
from social_scale_adapters.db import data_versions as _data_versions  # noqa: F401
from social_scale_adapters.db import heartbeats as _heartbeats  # noqa: F401
from social_scale_adapters.db.analytics import rollup_tables as _rollup_tables  # noqa: F401
from social_scale_adapters.db.auth import auth_tables as _auth_tables  # noqa: F401
from social_scale_adapters.db.auth import rate_limits as _rate_limits  # noqa: F401
from social_scale_adapters.db.delivery import delivery_tables as _delivery_tables  # noqa: F401
from social_scale_adapters.db.invoices import invoice_tables as _invoice_tables  # noqa: F401
from social_scale_adapters.db.metadata import metadata
from social_scale_adapters.db.orders import order_batches as _order_batches  # noqa: F401
from social_scale_adapters.db.orders import order_table as _order_table  # noqa: F401
from social_scale_adapters.db.orders import status_history as _status_history  # noqa: F401
from social_scale_adapters.db.panel import catalog_tables as _catalog_tables  # noqa: F401
from social_scale_adapters.db.panel import integration_logs as _integration_logs  # noqa: F401
from social_scale_adapters.db.panel import panel_budget as _panel_budget  # noqa: F401
from social_scale_adapters.db.panel import providers as _providers  # noqa: F401

__all__ = ["metadata"]
