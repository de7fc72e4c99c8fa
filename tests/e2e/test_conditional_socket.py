"""Conditional GET across two gunicorn servers (two workers each) on one database, over
real sockets, on SQLite and PostgreSQL: a write through one changes the tag the other
gives, and a 304 carries no body."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ServerFactory
from tests.e2e.panel import admin_client

pytestmark = pytest.mark.e2e


def test_a_write_on_one_server_changes_the_tag_on_the_other(
        live_server: ServerFactory, db_env: dict[str, str], tmp_path: Path) -> None:
    env = db_env or {"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}"}
    one = admin_client(live_server(**env))
    other_url = live_server(**env)
    with httpx.Client(base_url=f"{other_url}/api/v1", headers=one.headers,
                      timeout=30) as other:
        other.get("/companies")
        tag = other.get("/companies").headers["etag"]
        for _ in range(6):  # both of its workers
            same = other.get("/companies", headers={"If-None-Match": tag})
            assert same.status_code == 304 and same.content == b""
            assert same.headers["etag"] == tag
        assert one.post("/companies", json={"name": "Elsewhere"}).status_code == 201
        fresh = other.get("/companies", headers={"If-None-Match": tag})
        assert fresh.status_code == 200 and fresh.headers["etag"] != tag
        assert "Elsewhere" in fresh.text
    one.close()
