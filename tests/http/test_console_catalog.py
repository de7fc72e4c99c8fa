"""The console's catalog pages (issue 15) over TestClient on the real container and the
sandbox panel: "Refresh now" (the API's use case), the stale marker from the stored
catalog, and the change log with its filters and significant rises flagged."""

from __future__ import annotations

from typing import Any

from social_scale_adapters.fampage.simulator import parse_fault

from tests.http.console_support import Browser

FOLLOWERS = 2124


def raise_price(container: Any, service: int, rate: str) -> None:
    state = container.simulator().state
    with state.lock:
        state.services[service] = {**state.services[service], "rate": rate}


def test_refresh_now_logs_a_price_rise_once_and_flags_it(signed_in: Browser,
                                                          container: Any) -> None:
    assert 'data-catalog="fresh"' in signed_in.get("/services").text
    raise_price(container, FOLLOWERS, "300.0000")  # was 269.9230: +11.14%
    refused = signed_in.post("/services/refresh", {})
    assert refused.status_code == 403
    done = signed_in.post("/services/refresh", {}, csrf_from="/services")
    assert done.status_code == 303
    assert done.headers["location"] == "/services?notice=catalog-changed"
    again = signed_in.post("/services/refresh", {}, csrf_from="/services")
    assert again.headers["location"] == "/services?notice=catalog-refreshed"  # nothing new
    page = signed_in.get("/services/changes").text
    assert page.count("<tr class=\"significant\" data-significant>") == 1
    assert "269.9230" in page and "300.0000" in page and "+11.14%" in page
    assert "significant rise" in page


def test_the_change_log_filters(signed_in: Browser, container: Any) -> None:
    signed_in.get("/services")
    raise_price(container, FOLLOWERS, "250.0000")  # a fall, not significant
    state = container.simulator().state
    with state.lock:
        gone = next(i for i in state.services if i != FOLLOWERS)
        del state.services[gone]
    signed_in.post("/services/refresh", {}, csrf_from="/services")
    removed = signed_in.get("/services/changes?kind=removed").text
    assert f"<td>{gone} · " in removed and f"<td>{FOLLOWERS} · " not in removed
    only = signed_in.get(f"/services/changes?service={FOLLOWERS}").text
    assert "-7.38%" in only and f"<td>{gone} · " not in only and "data-significant" not in only
    assert "No change matches" in signed_in.get("/services/changes?significant=yes").text
    assert "No change matches" in signed_in.get("/services/changes?since=2999-01-01").text
    odd = signed_in.get("/services/changes?kind=%00&service=x&since=nope&significant=maybe")
    assert odd.status_code == 200 and f"<td>{gone} · " in odd.text  # ignored, not a 500


def test_a_failed_refresh_says_so_and_the_copy_is_marked_stale(
        signed_in: Browser, container: Any) -> None:
    signed_in.get("/services")
    container.simulator().state.set_fault(*parse_fault("services=502"))
    failed = signed_in.post("/services/refresh", {}, csrf_from="/services")
    assert 500 < failed.status_code < 600 and "Traceback" not in failed.text
    page = signed_in.get("/services").text
    assert 'data-catalog="stale"' in page and "the last refresh from the panel failed" in page
    assert f"<td>{FOLLOWERS}</td>" in page  # the stored copy is still served
