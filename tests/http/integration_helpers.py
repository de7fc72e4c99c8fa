"""Helpers of the integration HTTP tests: the fixture's services and the stored log rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from falcon import testing
from social_scale_adapters.db.panel.integration_logs import integration_logs
from social_scale_core.panel.networks import network_of
from social_scale_wiring.container import Container
from sqlalchemy import select

from tests.http.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "fampage_services.json"
BUNDLED = (Path(__file__).resolve().parents[2] / "packages" / "adapters"
           / "social_scale_adapters" / "fampage" / "catalog.json")
BASE = "/api/v1/api-integrations"


def fixture_services() -> list[dict[str, Any]]:
    """The shared fixture (415 services) when present, else the bundled copy of it."""
    path = FIXTURE if FIXTURE.exists() else BUNDLED
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def fixture_ids(network: str) -> set[int]:
    """Ids of the fixture's services that belong to `network` (derived from the category)."""
    return {int(s["service"]) for s in fixture_services()
            if network_of(str(s["category"]), str(s["name"])) == network}


def log_rows(container: Container) -> list[dict[str, Any]]:
    """Every stored integration-log row, each column as stored."""
    with container.engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(integration_logs))]


def assert_key_absent(key: str, *texts: str, rows: list[dict[str, Any]] | None = None) -> None:
    """The key appears in none of the texts, nor in any column of any row."""
    for text in texts:
        assert key not in text
    for row in rows or []:
        for column, value in row.items():
            assert key not in repr(value), f"the key leaked into integration_logs.{column}"


def admin_headers(client: testing.TestClient) -> dict[str, str]:
    """Register and log in the admin on this client's app (as `auth_headers` does)."""
    credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    result = client.simulate_post("/api/v1/auth/register", json={**credentials, "name": "Admin"})
    assert result.status_code == 201, result.text
    return {"Authorization": f"Bearer {login(client, credentials)['accessToken']}"}
