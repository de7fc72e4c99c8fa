"""Every table, imported so that `metadata` knows them all (Alembic and tests use this)."""

from __future__ import annotations

from social_scale_adapters.db import rate_limits as _rate_limits  # noqa: F401
from social_scale_adapters.db.metadata import metadata

__all__ = ["metadata"]
