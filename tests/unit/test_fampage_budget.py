"""The Fampage client under the call budget, and the simulator's `rate_limit` (429s)."""

from __future__ import annotations

import httpx
import pytest
from social_scale_adapters.fampage.simulator import IN_PROCESS_URL, create_simulator, parse_fault
from social_scale_adapters.fampage.simulator.rate_limit import RateLimiter
from social_scale_core.errors import PanelBusy, ProviderUnavailable
from social_scale_core.panel.provider import AddRequest
from social_scale_core.panel_budget import BudgetRule, CallBudget, Priority

from tests.fakes.panel_budget import MemoryBudgetStore
from tests.unit.test_panel_budget import FakeTime

ADD = AddRequest(service=2124, link="https://instagram.com/someone", quantity=100)


def _budget(limit: int = 100, wait: float = 10.0) -> tuple[CallBudget, FakeTime,
                                                             MemoryBudgetStore]:
    clock, store = FakeTime(), MemoryBudgetStore()
    budget = CallBudget(store, "k", BudgetRule.for_limit(limit), interactive_wait=wait,
                        background_wait=wait, now=lambda: clock.now, sleep=clock.sleep)
    return budget, clock, store


def test_the_simulator_answers_429_beyond_its_limit_per_key() -> None:
    sim = create_simulator(rate_limit=3)
    wire = httpx.Client(transport=sim.transport())
    answers = [wire.post(IN_PROCESS_URL, data={"key": sim.state.api_key, "action": "balance"})
               for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert 55 <= int(answers[3].headers["Retry-After"]) <= 60
    assert answers[3].text == "Too Many Requests"
    other = wire.post(IN_PROCESS_URL, data={"key": "another-key", "action": "balance"})
    assert other.status_code == 200  # the limit is per key (this one is refused by the body)
    control = wire.get("http://fampage-simulator/_control/calls",
                       headers={"X-Api-Key": sim.state.api_key}).json()
    assert control["rate_limit"] == 3 and control["rate_limited"] == 2


def test_the_simulator_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, now=lambda: now[0])
    assert limiter.admit("k") is None
    now[0] = 30
    assert limiter.admit("k") is None
    assert limiter.admit("k") == pytest.approx(30)
    now[0] = 60.5  # the first call left the window
    assert limiter.admit("k") is None
    assert limiter.admit("k") is not None
    assert RateLimiter(None).admit("k") is None


def test_every_attempt_takes_a_call_of_the_budget() -> None:
    budget, _, store = _budget()
    sim = create_simulator()
    sim.state.set_fault(*parse_fault("balance=500*1"))
    client = sim.client(budget=budget, sleep=lambda s: None)
    client.balance()  # a 500, then a retry that works: two attempts
    assert sim.state.calls["balance"] == 2
    # two tokens taken: the bucket's tat moved two intervals past its start
    assert store.tats["k"] > 0
    before = store.tats["k"]
    client.add(ADD)
    assert store.tats["k"] == before + budget.rule.interval_us


def test_a_spent_budget_sends_nothing_and_is_not_retried() -> None:
    budget, _, _ = _budget(wait=0.0)
    budget.hold(30)
    sim = create_simulator()
    client = sim.client(budget=budget, sleep=lambda s: None)
    with pytest.raises(PanelBusy):
        client.statuses([1, 2, 3])
    with pytest.raises(PanelBusy):
        client.add(ADD)
    assert sum(sim.state.calls.values()) == 0 and not sim.state.orders


def test_a_429_holds_the_budget_and_an_add_it_refused_was_not_placed() -> None:
    budget, clock, store = _budget(wait=120.0)
    sim = create_simulator(rate_limit=1)
    client = sim.client(budget=budget, sleep=clock.sleep)
    client.balance()
    with pytest.raises(ProviderUnavailable):
        client.add(ADD)  # 429: refused before acting, never retried
    assert sim.state.calls["add"] == 1 and not sim.state.orders
    # The panel said come back in ~60 s: nobody, operator included, calls before that.
    limit = budget.rule.limit_us(Priority.INTERACTIVE)
    assert store.tats["k"] + budget.rule.interval_us - limit - clock.now >= 55_000_000


def test_the_simulator_limit_is_switched_at_run_time() -> None:
    sim = create_simulator()
    wire = httpx.Client(transport=sim.transport(), base_url="http://fampage-simulator")
    headers = {"X-Api-Key": sim.state.api_key}
    assert wire.post("/_control/rate_limit", json={"limit": 0},
                     headers=headers).status_code == 400
    assert wire.post("/_control/rate_limit", json={"limit": 1},
                     headers=headers).json()["rate_limit"] == 1
    codes = [wire.post("/api/v2", data={"key": sim.state.api_key, "action": "balance"})
             .status_code for _ in range(2)]
    assert codes == [200, 429]
    wire.post("/_control/rate_limit", json={"limit": None}, headers=headers)
    assert wire.post("/api/v2", data={"key": sim.state.api_key,
                                      "action": "balance"}).status_code == 200
    assert wire.post("/_control/rate_limit", json={"limit": 5}).status_code == 401
