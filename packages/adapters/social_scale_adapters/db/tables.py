"""Every table, imported so that `metadata` knows them all (Alembic and tests use this)."""

from __future__ import annotations

from social_scale_adapters.db import auth_tables as _auth_tables  # noqa: F401
from social_scale_adapters.db import catalog_tables as _catalog_tables  # noqa: F401
from social_scale_adapters.db import companies as _companies  # noqa: F401
from social_scale_adapters.db import data_versions as _data_versions  # noqa: F401
from social_scale_adapters.db import delivery_tables as _delivery_tables  # noqa: F401
from social_scale_adapters.db import heartbeats as _heartbeats  # noqa: F401
from social_scale_adapters.db import integration_logs as _integration_logs  # noqa: F401
from social_scale_adapters.db import invoice_tables as _invoice_tables  # noqa: F401
from social_scale_adapters.db import order_batches as _order_batches  # noqa: F401
from social_scale_adapters.db import order_table as _order_table  # noqa: F401
from social_scale_adapters.db import panel_budget as _panel_budget  # noqa: F401
from social_scale_adapters.db import providers as _providers  # noqa: F401
from social_scale_adapters.db import rate_limits as _rate_limits  # noqa: F401
from social_scale_adapters.db import rollup_tables as _rollup_tables  # noqa: F401
from social_scale_adapters.db import status_history as _status_history  # noqa: F401
from social_scale_adapters.db.metadata import metadata

__all__ = ["metadata"]
