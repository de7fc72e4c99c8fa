"""`social-scale worker`'s settings: several batches at once on PostgreSQL, one on SQLite
(a single writer)."""

from __future__ import annotations

import pytest
from social_scale_app.sync_wiring import sync_settings
from social_scale_wiring.settings import Settings


@pytest.mark.parametrize(("url", "threads"), [
    ("postgresql+psycopg://u@127.0.0.1/db", 3), ("sqlite:///data/app.db", 1),
    ("sqlite:///:memory:", 1)])
def test_concurrency_follows_the_setting_except_on_sqlite(url: str, threads: int) -> None:
    settings = Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                        sync_concurrency=3, sync_batch_size=50, sync_interval="45s")
    synced = sync_settings(settings)
    assert (synced.concurrency, synced.batch_size, synced.interval) == (threads, 50, 45.0)


def test_four_batches_at_once_by_default() -> None:
    assert Settings(_env_file=None).sync_concurrency == 4  # type: ignore[call-arg]
