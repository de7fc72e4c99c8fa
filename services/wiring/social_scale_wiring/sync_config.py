"""What the settings say about the background round, for its runners (the composition
root) and for what reports on it (`/health/ready` in the HTTP adapter) alike."""

from __future__ import annotations

from social_scale_core.sync.worker import SyncSettings

from social_scale_wiring.settings import Settings


def sync_settings(settings: Settings) -> SyncSettings:
    """One batch at a time on SQLite (a single writer), `SYNC_CONCURRENCY` elsewhere."""
    return SyncSettings(
        interval=settings.sync_interval.total_seconds(), batch_size=settings.sync_batch_size,
        concurrency=(1 if settings.database_url.startswith("sqlite")
                     else settings.sync_concurrency))


def runs_in_serve(settings: Settings) -> bool:
    """`on`/`off` force it; `auto` runs the round in `serve` on SQLite only (on PostgreSQL
    `social-scale worker` runs as its own service)."""
    if settings.sync_in_serve == "auto":
        return settings.sqlite_path is not None or settings.database_url.startswith("sqlite")
    return settings.sync_in_serve == "on"
