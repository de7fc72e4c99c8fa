"""Properties of the readers of Fampage's loose JSON: any mix of numbers and strings."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_adapters.fampage import parsing
from social_scale_core.errors import ProviderBadResponse, ProviderError, ProviderRejected
from social_scale_core.panel.provider import OrderStatus, PanelOrder, PanelOrderError

ints = st.integers(min_value=-10**9, max_value=10**12)
moneys = st.decimals(min_value=0, max_value=10**7, places=5, allow_nan=False)
messages = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")
raw_statuses = st.sampled_from(["Pending", "In progress", "Completed", "Partial", "Canceled"])


def loose_int(n: int) -> st.SearchStrategy[Any]:
    """The panel sends an integer as a number, a string or a padded string."""
    return st.sampled_from([n, str(n), f" {n} "])


def loose_money(d: Decimal) -> st.SearchStrategy[Any]:
    """Money as a string with 4-5 decimals, or as a JSON number (never read as float)."""
    return st.sampled_from([f"{d:.5f}", f"{d:.4f}" if d == round(d, 4) else f"{d:.5f}", d])


def text_of(payload: Any) -> str:
    """JSON text with each Decimal written as a bare JSON number, as the panel would."""
    numbers: dict[str, str] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, Decimal):
            marker = f"@@{len(numbers)}@@"
            numbers[marker] = str(value)
            return marker
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    text = json.dumps(walk(payload))
    for marker, number in numbers.items():
        text = text.replace(f'"{marker}"', number)
    return text


@st.composite
def status_objects(draw: st.DrawFn) -> tuple[dict[str, Any], Decimal, int, int, str]:
    charge, start, remains = draw(moneys), draw(ints), draw(ints)
    raw = draw(raw_statuses)
    body: dict[str, Any] = {
        "charge": draw(loose_money(charge)), "start_count": draw(loose_int(start)),
        "status": raw, "remains": draw(loose_int(remains)),
    }
    if draw(st.booleans()):
        body["currency"] = "INR"
    return body, charge, start, remains, raw


@given(status_objects())
def test_status_reads_any_mix_exactly(drawn: tuple[dict[str, Any], Decimal, int, int, str]) -> None:
    body, charge, start, remains, raw = drawn
    order = parsing.parse_order(7, parsing.loads(text_of(body)), "USD")
    assert order.charge == charge and isinstance(order.charge, Decimal)
    assert (order.start_count, order.remains, order.raw_status) == (start, remains, raw)
    assert order.currency == ("INR" if "currency" in body else "USD")


@given(st.integers(min_value=1, max_value=10**12).flatmap(loose_int))
def test_order_id_as_number_or_string(value: Any) -> None:
    assert parsing.parse_order_id({"order": value}) == int(str(value).strip())


error_shapes = messages.flatmap(
    lambda m: st.sampled_from([{"error": m}, {"message": m}, {"error": {"message": m}}])
    .map(lambda body, m=m: (body, m.strip()))
)


@pytest.mark.parametrize("reader", [
    lambda p: parsing.parse_order_id(p),
    lambda p: parsing.parse_order(1, p, None),
    lambda p: parsing.parse_statuses(p, [1], None),
    lambda p: parsing.parse_refill_id(p),
    lambda p: parsing.parse_refill_status(p),
    lambda p: parsing.parse_balance(p, None),
    lambda p: parsing.parse_cancel(p, 1),
    lambda p: parsing.parse_services(p, "INR"),
])
@given(shape=error_shapes)
def test_every_reader_turns_an_error_body_into_rejected(
    reader: Any, shape: tuple[dict[str, Any], str]
) -> None:
    body, message = shape
    with pytest.raises(ProviderRejected) as caught:
        reader(body)
    assert caught.value.detail == message


@given(st.dictionaries(st.integers(1, 10**9), st.one_of(
    status_objects().map(lambda d: d[0]),
    messages,
    messages.map(lambda m: {"error": m}),
), max_size=8), st.lists(st.integers(1, 10**9), max_size=3))
def test_multi_status_per_id_errors(values: dict[int, Any], missing: list[int]) -> None:
    ids = list(values) + [i for i in missing if i not in values]
    result = parsing.parse_statuses({str(k): v for k, v in values.items()}, ids, "INR")
    assert set(result) == set(ids)
    for order_id, value in values.items():
        got = result[order_id]
        if isinstance(value, dict) and "status" in value:
            assert isinstance(got, PanelOrder) and got.order_id == order_id
        else:
            assert isinstance(got, PanelOrderError)
            assert got.message == (value if isinstance(value, str) else value["error"]).strip()
    for order_id in set(ids) - set(values):
        assert isinstance(result[order_id], PanelOrderError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["order", "status", "error", "message", "ok", "cancel", "refill",
                         "balance", "charge", "remains", "1", "service", "rate"]), inner,
        max_size=5),
    max_leaves=12,
)


@given(json_values)
def test_any_json_gives_a_result_or_a_provider_error(payload: Any) -> None:
    readers = [
        lambda: parsing.parse_order_id(payload), lambda: parsing.parse_order(1, payload, None),
        lambda: parsing.parse_statuses(payload, [1, 2], None),
        lambda: parsing.parse_refill_id(payload), lambda: parsing.parse_refill_status(payload),
        lambda: parsing.parse_balance(payload, None), lambda: parsing.parse_cancel(payload, 1),
        lambda: parsing.parse_services(payload, "INR"),
    ]
    for read in readers:
        with contextlib.suppress(ProviderError):
            read()


@given(st.text(max_size=30).filter(lambda t: not _is_json(t)))
def test_text_that_is_not_json_is_a_bad_response(text: str) -> None:
    with pytest.raises(ProviderBadResponse):
        parsing.loads(text)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_fractions_are_read_as_decimal_never_float() -> None:
    payload = parsing.loads('{"balance": 16.61325, "currency": "INR"}')
    assert parsing.parse_balance(payload, None).amount == Decimal("16.61325")


def test_balance_currency_falls_back_to_the_known_then_the_documented_one() -> None:
    assert parsing.parse_balance({"balance": "1.0000"}, "USD").currency == "USD"
    assert parsing.parse_balance({"balance": "1.0000"}, None).currency == "INR"
    assert parsing.parse_balance({"balance": "1", "currency": "usd"}, "INR").currency == "USD"


def test_negative_remains_when_the_panel_over_delivers() -> None:
    order = parsing.parse_order(1, {"status": "Completed", "remains": "-12"}, None)
    assert order.remains == -12 and order.status is OrderStatus.COMPLETED
    assert order.charge is None and order.currency is None


@pytest.mark.parametrize(("payload", "accepted"), [
    ({"ok": "true"}, True), ({"ok": "false"}, False), ({"ok": True}, True),
    ([{"order": 1, "cancel": 1}], True), ([{"order": "1", "cancel": "1"}], True),
    ([{"order": 9, "cancel": 1}, {"order": 1, "cancel": 0}], False),
])
def test_both_cancel_shapes(payload: Any, accepted: bool) -> None:
    assert parsing.parse_cancel(payload, 1).accepted is accepted


def test_standard_cancel_error_for_the_order_is_rejected_with_its_message() -> None:
    payload = [{"order": 2, "cancel": 1}, {"order": 9, "cancel": {"error": "Incorrect order ID"}}]
    with pytest.raises(ProviderRejected, match="Incorrect order ID"):
        parsing.parse_cancel(payload, 9)
    with pytest.raises(ProviderBadResponse):
        parsing.parse_cancel(payload, 5)


@pytest.mark.parametrize("value", [1, "1", " 17 "])
def test_refill_id_number_or_string(value: Any) -> None:
    assert parsing.parse_refill_id({"refill": value}) == str(value).strip()


def test_services_mixed_types_and_flags() -> None:
    services = parsing.parse_services([
        {"service": "5", "name": "A", "type": "Default", "category": "Tiktok : Views",
         "rate": "0.27819", "min": "10", "max": 100, "refill": "true", "cancel": 0},
    ], "INR")
    (svc,) = services
    assert (svc.service_id, svc.min, svc.max, svc.rate) == (5, 10, 100, Decimal("0.27819"))
    assert (svc.network, svc.refill, svc.cancel, svc.currency) == ("TikTok", True, False, "INR")
