"""The panel call budget's arithmetic: the minute's cap, the reserve, waiting, holding."""

from __future__ import annotations

import threading
from bisect import bisect_left

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from social_scale_core.errors import PanelBusy
from social_scale_core.panel_budget import (
    BudgetRule,
    CallBudget,
    Priority,
    background_calls,
    current_priority,
)
from social_scale_core.panel_budget.model import MINUTE_US, decide

from tests.fakes.panel_budget import MemoryBudgetStore

INT, BG = Priority.INTERACTIVE, Priority.BACKGROUND


def most_in_a_minute(times: list[int]) -> int:
    """The most grants in any 60 s window (closed at both ends: the strictest reading)."""
    times = sorted(times)
    return max((bisect_left(times, t + MINUTE_US + 1) - i for i, t in enumerate(times)),
               default=0)


def run(rule: BudgetRule, calls: list[tuple[int, Priority]]) -> list[tuple[int, Priority]]:
    store, granted = MemoryBudgetStore(), []
    for now, priority in calls:
        if store.take("k", now, rule.interval_us, rule.limit_us(priority)) is None:
            granted.append((now, priority))
    return granted


calls_strategy = st.lists(
    st.tuples(st.integers(0, 5 * MINUTE_US), st.sampled_from([INT, BG])), max_size=600)


@settings(max_examples=150, deadline=None)
@given(limit=st.integers(3, 400), calls=calls_strategy)
def test_no_minute_ever_holds_more_than_the_budget(limit: int,
                                                   calls: list[tuple[int, Priority]]) -> None:
    rule = BudgetRule.for_limit(limit)
    # Out of order too: callers on several hosts ask with slightly different clocks.
    granted = run(rule, calls)
    assert most_in_a_minute([t for t, _ in granted]) <= limit


@settings(max_examples=100, deadline=None)
@given(limit=st.integers(3, 400), start=st.integers(0, MINUTE_US))
def test_calls_asked_for_all_the_time_get_the_whole_budget(limit: int, start: int) -> None:
    """Not a cap that grants nothing: asking every 7 ms for a minute gets the full
    bucket plus a minute of refill, which is the budget (less one for the rounding)."""
    rule = BudgetRule.for_limit(limit)
    granted = run(rule, [(start + ms * 1000, INT) for ms in range(0, MINUTE_US // 1000, 7)])
    assert limit - 1 <= len(granted) <= limit


@settings(max_examples=150, deadline=None)
@given(limit=st.integers(3, 400), calls=calls_strategy)
def test_background_never_takes_the_reserve(limit: int,
                                           calls: list[tuple[int, Priority]]) -> None:
    rule = BudgetRule.for_limit(limit)
    store = MemoryBudgetStore()
    for now, priority in sorted(calls, key=lambda c: c[0]):
        if store.take("k", now, rule.interval_us, rule.limit_us(priority)) is None and (
                priority is BG):
            # tokens left after a background grant: the reserve at least
            left = rule.capacity - (store.tats["k"] - now) / rule.interval_us
            assert left >= rule.reserve


@given(tat=st.none() | st.integers(0, 10 * MINUTE_US), now=st.integers(0, 10 * MINUTE_US),
       limit=st.integers(3, 400))
def test_interactive_is_granted_whenever_background_would_be(tat: int | None, now: int,
                                                              limit: int) -> None:
    rule = BudgetRule.for_limit(limit)
    background = decide(tat, now, rule.interval_us, rule.limit_us(BG))
    interactive = decide(tat, now, rule.interval_us, rule.limit_us(INT))
    assert interactive.granted or not background.granted
    if not interactive.granted:  # and its wait is the shorter one
        assert interactive.wait_us <= background.wait_us


@given(tat=st.integers(0, 10 * MINUTE_US), now=st.integers(0, 10 * MINUTE_US),
       limit=st.integers(3, 400), priority=st.sampled_from([INT, BG]))
def test_a_refused_call_is_granted_once_its_wait_is_over(tat: int, now: int, limit: int,
                                                          priority: Priority) -> None:
    rule = BudgetRule.for_limit(limit)
    first = decide(tat, now, rule.interval_us, rule.limit_us(priority))
    if not first.granted:
        assert first.tat == tat  # a refusal changes nothing
        later = decide(tat, now + first.wait_us, rule.interval_us, rule.limit_us(priority))
        early = decide(tat, now + first.wait_us - 1, rule.interval_us, rule.limit_us(priority))
        assert later.granted and not early.granted


def test_the_default_rule_keeps_all_but_one_token_of_the_burst_for_operators() -> None:
    rule = BudgetRule.for_limit(100)
    assert (rule.capacity, rule.reserve) == (5, 4)
    assert rule.interval_us == -(-MINUTE_US // 95)
    with pytest.raises(ValueError):
        BudgetRule.for_limit(2)


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000 * MINUTE_US
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += int(seconds * 1_000_000)


def budget(limit: int = 100, **waits: float) -> tuple[CallBudget, FakeTime]:
    clock = FakeTime()
    return CallBudget(MemoryBudgetStore(), "k", BudgetRule.for_limit(limit),
                      now=lambda: clock.now, sleep=clock.sleep, **waits), clock


def test_an_interactive_call_waits_for_a_token_rather_than_failing() -> None:
    calls, clock = budget()
    for _ in range(5):  # the full bucket: no waiting
        calls.acquire(INT)
    assert clock.slept == []
    calls.acquire(INT)
    assert len(clock.slept) == 1 and 0 < clock.slept[0] < 1.0


def test_past_its_bounded_wait_a_call_is_refused_with_panel_busy() -> None:
    calls, clock = budget(interactive_wait=2.0)
    calls.hold(30)  # as after a 429 with Retry-After: 30
    with pytest.raises(PanelBusy) as refused:
        calls.acquire(INT)
    assert refused.value.code == "panel_busy"
    assert 27 <= refused.value.retry_after <= 30
    assert clock.slept == []  # it did not sleep first when the wait was known too long


def test_background_waits_out_the_reserve_and_interactive_does_not() -> None:
    calls, clock = budget(background_wait=60)
    calls.acquire(BG)  # 4 tokens left: the reserve
    assert clock.slept == []
    calls.acquire(INT)  # an operator still finds tokens
    assert clock.slept == []
    calls.acquire(BG)  # background waits until the bucket is back above the reserve
    assert len(clock.slept) >= 1


def test_a_hold_stops_every_priority_until_it_ends() -> None:
    calls, clock = budget(interactive_wait=100, background_wait=100)
    start = clock.now
    calls.hold(20)
    calls.acquire(INT)
    assert clock.now - start >= 20_000_000


def test_the_observer_hears_each_acquire_its_wait_and_its_refusal() -> None:
    heard: list[tuple[Priority, float, bool]] = []
    clock = FakeTime()
    calls = CallBudget(MemoryBudgetStore(), "k", BudgetRule.for_limit(100),
                       now=lambda: clock.now, sleep=clock.sleep, interactive_wait=5.0,
                       observer=lambda *told: heard.append(told))
    for _ in range(6):  # the bucket's five, then one that waits for the next token
        calls.acquire(INT)
    assert [(p, w == 0, g) for p, w, g in heard[:5]] == [(INT, True, True)] * 5
    waited = heard[5][1]
    assert heard[5][2] and waited > 0 and waited == pytest.approx(sum(clock.slept), abs=1e-5)
    calls.hold(30)
    with pytest.raises(PanelBusy):
        calls.acquire(INT)
    assert heard[6] == (INT, 0.0, False)


def test_an_observer_that_fails_never_stops_the_call() -> None:
    def broken(*told: object) -> None:
        raise RuntimeError("metrics are down")

    calls = CallBudget(MemoryBudgetStore(), "k", BudgetRule.for_limit(100), observer=broken)
    calls.acquire(INT)  # no error: the token was taken and the call goes on


def test_priority_is_background_only_inside_background_calls_and_its_copies() -> None:
    seen: list[Priority] = []
    assert current_priority() is INT
    with background_calls():
        assert current_priority() is BG
        import contextvars

        thread = threading.Thread(target=contextvars.copy_context().run,
                                  args=(lambda: seen.append(current_priority()),))
        thread.start()
        thread.join()
    assert current_priority() is INT and seen == [BG]
