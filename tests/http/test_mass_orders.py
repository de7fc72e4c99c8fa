"""Mass orders over HTTP against the sandbox simulator, on SQLite and PostgreSQL: every line
checked first, each valid one placed once (one `add`), replays placing nothing, a lost
answer leaving its line unknown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from social_scale_adapters.fampage.simulator import parse_fault
from social_scale_wiring.container import Container

from tests.http.conftest import assert_problem
from tests.http.test_orders import API, FOLLOWERS, Sandbox

MASS = f"{API}/orders/mass"
INVALID = {7: "quantity", 19: "link", 33: "service"}  # line -> the field it gets wrong


@pytest.fixture
def sandbox(make_container: Callable[..., Container], db_url: str) -> Sandbox:
    return Sandbox(make_container(db_url))


def _lines(count: int = 50, invalid: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """`count` lines of the followers service; those in `invalid` wrong in that field."""
    wrong = INVALID if invalid is None else invalid
    lines: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        line = {"service": FOLLOWERS, "link": f"https://instagram.com/client{n}",
                "quantity": 100 + n}
        if wrong.get(n) == "quantity":
            line["quantity"] = 5  # below the service's minimum of 10
        elif wrong.get(n) == "link":
            line["link"] = "ftp://nowhere"
        elif wrong.get(n) == "service":
            line["service"] = 999_999
        lines.append(line)
    return lines


def _post(sandbox: Sandbox, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {**sandbox.headers, **({"Idempotency-Key": key} if key else {})}
    return sandbox.client.simulate_post(MASS, json={"companyId": sandbox.company_id, **body},
                                        headers=headers)


def test_fifty_lines_with_three_invalid_place_forty_seven_orders_once(sandbox: Sandbox) -> None:
    result = _post(sandbox, {"lines": _lines(), "invoiceMultiplier": 8}, key="campaign-1")
    assert result.status_code == 201, result.text
    batch = result.json["batch"]
    assert batch["status"] == "completed" and len(batch["lines"]) == 50
    statuses = Counter(line["status"] for line in batch["lines"])
    assert statuses == {"placed": 47, "invalid": 3}
    for line in batch["lines"]:
        if line["line"] in INVALID:
            assert line["status"] == "invalid" and line.get("order") is None
            assert [e["field"] for e in line["errors"]] == [INVALID[line["line"]]]
    adds = Counter(o.link for o in sandbox.state.orders.values())
    assert sandbox.state.calls["add"] == 47 and len(adds) == 47
    assert set(adds.values()) == {1}  # each line exactly one `add`
    placed = [line["order"] for line in batch["lines"] if line["status"] == "placed"]
    assert all(o["invoiceId"] for o in placed)
    summary = batch["summary"]
    assert (summary["placed"], summary["invalid"], summary["lines"]) == (47, 3, 50)
    cost = sum(Decimal(o["cost"]) for o in placed)
    assert Decimal(summary["cost"]) == cost and summary["currency"] == "INR"
    replay = _post(sandbox, {"lines": _lines(), "invoiceMultiplier": 8}, key="campaign-1")
    assert replay.status_code == 201 and replay.json == result.json
    assert sandbox.state.calls["add"] == 47  # the replay placed nothing
    again = sandbox.get(f"{MASS}/{batch['id']}")
    assert again.status_code == 200 and again.json == result.json


def test_the_text_form_numbers_lines_as_pasted(sandbox: Sandbox) -> None:
    text = (f"{FOLLOWERS}|https://instagram.com/a|100\n\n"
            f"{FOLLOWERS}|https://instagram.com/b\n"
            f"abc|https://instagram.com/c|100\n"
            f" {FOLLOWERS} | https://instagram.com/d | 200 \n")
    result = _post(sandbox, {"text": text})
    assert result.status_code == 201, result.text
    lines = {line["line"]: line for line in result.json["batch"]["lines"]}
    assert sorted(lines) == [1, 3, 4, 5]
    assert lines[1]["status"] == lines[5]["status"] == "placed"
    assert lines[5]["order"]["quantity"] == 200
    assert lines[3]["errors"][0]["field"] == "line"
    assert lines[4]["errors"][0]["field"] == "service"
    assert sandbox.state.calls["add"] == 2


def test_a_time_out_leaves_its_line_unknown_and_the_others_placed(sandbox: Sandbox) -> None:
    sandbox.state.set_fault(*parse_fault("add=timeout*1"))
    result = _post(sandbox, {"lines": _lines(10, {})}, key="slow-panel")
    assert result.status_code == 201, result.text
    lines = result.json["batch"]["lines"]
    assert Counter(line["status"] for line in lines) == {"placed": 9, "unknown": 1}
    [lost] = [line for line in lines if line["status"] == "unknown"]
    assert lost["order"]["status"] == "unknown" and lost["error"]
    assert sandbox.state.calls["add"] == 10
    replay = _post(sandbox, {"lines": _lines(10, {})}, key="slow-panel")
    assert replay.json == result.json and sandbox.state.calls["add"] == 10


def test_a_refusal_rejects_only_its_line(sandbox: Sandbox) -> None:
    sandbox.state.set_fault(*parse_fault("add=error:Not enough funds on balance*1"))
    lines = _post(sandbox, {"lines": _lines(4, {})}).json["batch"]["lines"]
    assert Counter(line["status"] for line in lines) == {"placed": 3, "rejected": 1}
    [refused] = [line for line in lines if line["status"] == "rejected"]
    assert refused["error"] == "Not enough funds on balance"
    assert refused["order"]["status"] == "failed" and refused["order"]["invoiceId"] is None


def test_the_same_key_with_another_batch_is_409(sandbox: Sandbox) -> None:
    assert _post(sandbox, {"lines": _lines(2)}, key="k-409").status_code == 201
    assert_problem(_post(sandbox, {"lines": _lines(3)}, key="k-409"), 409,
                   "idempotency_conflict")
    assert sandbox.state.calls["add"] == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"lines": []}, "lines"),
    ({"lines": [{"service": FOLLOWERS, "link": "x", "quantity": 1}] * 501}, "lines"),
    ({"text": "\n".join([f"{FOLLOWERS}|https://instagram.com/a|100"] * 501)}, "text"),
    ({"companyId": "nope", "lines": _lines(1)}, "companyId"),
    ({"lines": _lines(1), "text": "1|x|1"}, "body"),
    ({}, "body"),
    ({"lines": _lines(1), "invoiceMultiplier": "0"}, "invoiceMultiplier"),
])
def test_a_bad_request_is_422_before_anything_is_sent(sandbox: Sandbox, body: dict[str, Any],
                                                      field: str) -> None:
    result = _post(sandbox, body)
    problem = assert_problem(result, 422, "validation_error")
    assert field in {e["field"] for e in problem["errors"]}, problem
    assert sandbox.state.calls["add"] == 0


def test_a_line_may_not_set_the_batch_fields_and_an_unknown_batch_is_404(
        sandbox: Sandbox) -> None:
    line = {**_lines(1)[0], "companyId": sandbox.company_id}
    [result] = _post(sandbox, {"lines": [line]}).json["batch"]["lines"]
    assert result["status"] == "invalid" and result["errors"][0]["field"] == "companyId"
    assert_problem(sandbox.get(f"{MASS}/no-such-batch"), 404, "not_found")
