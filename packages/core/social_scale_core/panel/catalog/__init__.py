"""The panel's service catalog, kept in the database: refreshed, compared, served."""

from social_scale_core.panel.catalog.lookup import (
    StoredCatalog,
    group_by_network,
    list_changes,
    significant_changes,
)
from social_scale_core.panel.catalog.model import (
    CatalogChange,
    CatalogEntry,
    CatalogSnapshot,
    CatalogState,
    ChangeKind,
    ChangeQuery,
    RefreshResult,
)
from social_scale_core.panel.catalog.refresh import (
    CatalogPorts,
    RefreshInProgress,
    ensure_loaded,
    refresh_catalog,
    refresh_if_due,
    try_refresh,
)

__all__ = [
    "CatalogChange",
    "CatalogEntry",
    "CatalogPorts",
    "CatalogSnapshot",
    "CatalogState",
    "ChangeKind",
    "ChangeQuery",
    "RefreshInProgress",
    "RefreshResult",
    "StoredCatalog",
    "ensure_loaded",
    "group_by_network",
    "list_changes",
    "refresh_catalog",
    "refresh_if_due",
    "significant_changes",
    "try_refresh",
]
