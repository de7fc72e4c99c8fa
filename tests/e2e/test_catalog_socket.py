"""The stored catalog through gunicorn (two workers) and a simulator over real sockets, on
SQLite and PostgreSQL: changes made at the panel's control API land in the change log
once, a removed service refuses orders, and with the panel down every worker answers the
same listing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ServerFactory
from tests.e2e.panel import (
    FOLLOWERS,
    admin_client,
    new_company,
    order_body,
    running_panel,
)

pytestmark = pytest.mark.e2e
KEY = "catalog-e2e-panel-key-7c21"


def test_two_workers_serve_one_catalog_and_keep_serving_it_with_the_panel_down(
        live_server: ServerFactory, db_env: dict[str, str]) -> None:
    with running_panel(KEY) as panel:
        base = live_server(WEB_CONCURRENCY="2", FAMPAGE_API_KEY=KEY,
                           FAMPAGE_BASE_URL=panel.url, FAMPAGE_TIMEOUT="2s", **db_env)
        api = admin_client(base)
        company = new_company(api)
        assert api.get("/api-integrations/services").status_code == 200
        panel.set_service(FOLLOWERS, rate="999.5000")
        first = api.post("/api-integrations/services/refresh")
        assert first.status_code == 200, first.text
        assert [(c["kind"], c["new"]) for c in first.json()["changes"]] == [
            ("rate", "999.5000")]
        assert api.post("/api-integrations/services/refresh").json()["changes"] == []
        assert api.get("/api-integrations/services/changes").json()["total"] == 1
        panel.remove_service(FOLLOWERS)
        api.post("/api-integrations/services/refresh").raise_for_status()
        refused = api.post("/api-integrations/orders", json=order_body(company))
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "service"
        assert panel.calls().get("add", 0) == 0
        listed_calls = panel.calls()["services"]
    # The panel is gone: the refresh fails (the copy turns stale), reads never ask it.
    assert api.post("/api-integrations/services/refresh").status_code in (503, 504)
    answers = [api.get("/api-integrations/services") for _ in range(20)]
    assert [a.status_code for a in answers] == [200] * 20
    bodies = {a.text for a in answers}
    assert len(bodies) == 1
    body = answers[0].json()
    assert body["stale"] is True and body["total"] == 414
    assert listed_calls == 4  # first load + three refreshes: no reader asked the panel
