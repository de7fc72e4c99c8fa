"""A placement the call budget cannot serve in time: 503 `panel_busy`, nothing sent, the
order recorded failed; the budget's bucket is shared through the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from social_scale_core.errors import ProviderUnavailable
from social_scale_core.panel_budget import Priority
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.test_metrics import sample, scrape
from tests.http.test_orders import Sandbox


def test_a_spent_budget_answers_panel_busy_and_records_the_order_failed(
        make_container: Callable[..., Container], db_url: str) -> None:
    sandbox = Sandbox(make_container(db_url, panel_calls_per_minute=3,
                                     panel_budget_wait=timedelta(0)))
    budget = sandbox.container.panel_budget()
    assert budget is not None
    assert sandbox.place().status_code == 201  # the catalog is fetched, one order placed
    budget.hold(120)  # as if every token of the minute were gone
    body = assert_problem(sandbox.place(), 503, "panel_busy")
    order = sandbox.get(f"/api/v1/orders/{body['orderId']}").json["order"]
    assert order["status"] == "failed" and "budget" in order["errorMessage"]
    assert sandbox.state.calls["add"] == 1 and len(sandbox.state.orders) == 1
    result = sandbox.place()
    assert 100 <= int(result.headers["Retry-After"]) <= 120


def test_app_instances_share_one_bucket(make_container: Callable[..., Container],
                                        db_url: str) -> None:
    """Two containers (two processes' worth of wiring) on one database: a hold taken by one
    is seen by the other, and their buckets have one name."""
    first = make_container(db_url, panel_calls_per_minute=50)
    second = make_container(db_url, panel_calls_per_minute=50)
    one, two = first.panel_budget(), second.panel_budget()
    assert one is not None and two is not None
    one.hold(30)
    store, key = two._store, two._key
    rule = two.rule
    assert store.take(key, two._now(), rule.interval_us,
                      rule.limit_us(Priority.INTERACTIVE)) is not None


def test_no_budget_when_turned_off(make_container: Callable[..., Container]) -> None:
    assert make_container(panel_calls_per_minute=0).panel_budget() is None


def test_a_budget_that_cannot_be_read_fails_the_order_as_not_sent(
        make_container: Callable[..., Container], db_url: str) -> None:
    """The database refuses the budget's statement: the order is failed (surely not sent),
    never `unknown` (which would ask an operator to look for it at the panel)."""
    sandbox = Sandbox(make_container(db_url, panel_calls_per_minute=100))
    assert sandbox.place().status_code == 201
    budget = sandbox.container.panel_budget()
    assert budget is not None

    class Broken:
        def take(self, *args: object) -> int | None:
            raise ProviderUnavailable("the panel call budget could not be read (boom)")

        def hold(self, *args: object) -> None:
            raise ProviderUnavailable("boom")

    budget._store = Broken()
    body = assert_problem(sandbox.place(), 503, "provider_unavailable")
    order = sandbox.get(f"/api/v1/orders/{body['orderId']}").json["order"]
    assert order["status"] == "failed"
    assert sandbox.state.calls["add"] == 1


def test_the_bucket_is_named_by_a_digest_never_the_key(
        make_container: Callable[..., Container]) -> None:
    from social_scale_adapters.db.panel.panel_budget import panel_call_budget
    from social_scale_wiring.provider_wiring import SANDBOX_API_KEY

    sandbox = Sandbox(make_container(panel_calls_per_minute=100))
    assert sandbox.place().status_code == 201
    with sandbox.container.engine().connect() as conn:
        keys = [row.key for row in conn.execute(panel_call_budget.select())]
    assert len(keys) == 1 and SANDBOX_API_KEY not in keys[0] and len(keys[0]) == 40


def test_the_budgets_waits_and_refusals_are_in_the_metrics(
        make_container: Callable[..., Container]) -> None:
    sandbox = Sandbox(make_container(panel_calls_per_minute=100,
                                     panel_budget_wait=timedelta(0)))
    interactive = {"priority": "interactive"}
    waits = sample(scrape(sandbox.client), "social_scale_panel_budget_wait_seconds_count",
                   **interactive)
    refused = sample(scrape(sandbox.client), "social_scale_panel_budget_refusals_total",
                     **interactive)
    assert sandbox.place().status_code == 201  # the catalog's call, then the add: two
    budget = sandbox.container.panel_budget()
    assert budget is not None
    budget.hold(120)
    assert_problem(sandbox.place(), 503, "panel_busy")
    text = scrape(sandbox.client)
    assert sample(text, "social_scale_panel_budget_refusals_total", **interactive) == refused + 1
    assert sample(text, "social_scale_panel_budget_wait_seconds_count",
                  **interactive) >= waits + 2
