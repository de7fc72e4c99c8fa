"""What a placement sends to PostgreSQL, on the real container: the order and its invoice
inside transactions, and the one-statement work around them (the catalog's row, the call
budget's upsert, the panel call's log entry) in autocommit, without BEGIN and COMMIT
round trips (issue 17 item 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from social_scale_wiring.container import Container
from sqlalchemy import event

from tests.http.test_orders import Sandbox


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_placement_keeps_its_money_in_transactions_and_the_rest_in_autocommit(
        make_container: Callable[..., Container], db_url: str) -> None:
    sandbox = Sandbox(make_container(db_url, panel_calls_per_minute=100))
    assert sandbox.place().status_code == 201  # the catalog is loaded, connections opened
    sent: list[tuple[str, bool]] = []

    def keep(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append((" ".join(statement.split())[:60], bool(cursor.connection.autocommit)))

    engine = sandbox.container.engine()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        placed = sandbox.place(link="instagram.com/another")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert placed.status_code == 201, placed.text
    assert placed.json["invoice"]["number"]

    def autocommit(start: str) -> set[bool]:
        found = {auto for statement, auto in sent if statement.startswith(start)}
        assert found, (start, sent)
        return found

    assert autocommit("SELECT catalog_services") == {True}
    assert autocommit("INSERT INTO panel_call_budget") == {True}
    assert autocommit("INSERT INTO integration_logs") == {True}
    assert autocommit("INSERT INTO orders") == {False}
    assert autocommit("UPDATE orders") == {False}
    assert autocommit("WITH line0 AS (INSERT INTO invoice_lines") == {False}
