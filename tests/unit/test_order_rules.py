"""Pure order rules: links and target keys, the lifecycle, the checks before `add`,
and the reading of the panel's refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from social_scale_core.errors import IllegalTransition, ValidationFailed
from social_scale_core.orders.links import (
    BadLink,
    check_link,
    link_network,
    normalise_link,
    target_key,
)
from social_scale_core.orders.model import OrderParams, can_move
from social_scale_core.orders.placement_rules import OrderDraft, check_draft
from social_scale_core.orders.rejections import add_rejected, classify
from social_scale_core.panel.provider import FINAL_STATUSES, OrderStatus, PanelOrder, Service

from tests.unit.order_builders import make_order

S = OrderStatus
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def service(type_: str = "Default", rate: str = "269.9230", least: int = 10,
            most: int = 1000) -> Service:
    return Service(1, "Followers", type_, "Instagram : Followers", "Instagram",
                   Decimal(rate), least, most, True, False, "INR")


def draft(quantity: int = 100, link: str = "https://instagram.com/x",
          **params: object) -> OrderDraft:
    return OrderDraft("c1", 1, link, quantity, params=OrderParams(**params))  # type: ignore[arg-type]


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.field for e in exc.value.errors}


# ---- links ---------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", [
    "https://www.instagram.com/x/", "instagram.com/x", "HTTP://Instagram.com/x",
    "https://m.instagram.com/x?utm_source=ig&igshid=abc#top", "http://instagram.com:443//x//",
])
def test_spellings_of_one_target_share_a_key(spelling: str) -> None:
    assert target_key(spelling) == "instagram.com/x"


def test_key_keeps_what_identifies_the_target() -> None:
    assert target_key("https://youtube.com/watch?v=AbC&feature=share") == "youtube.com/watch?v=AbC"
    assert target_key("https://youtube.com/watch?v=AbC") != target_key("https://youtube.com/watch?v=abc")
    assert target_key("instagram.com/p/1") != target_key("instagram.com/p/2")


@given(st.sampled_from(["instagram.com", "www.tiktok.com", "youtu.be"]),
       st.lists(st.text("abcXYZ09_-", min_size=1, max_size=8), max_size=4))
def test_key_is_stable_under_normalisation(host: str, segments: list[str]) -> None:
    link = f"{host}/{'/'.join(segments)}"
    key = target_key(link)
    assert target_key(normalise_link(link)) == key
    assert target_key(key) == key


@pytest.mark.parametrize("link", ["ftp://x.com/a", "javascript:alert(1)", "no spaces.com/a b",
                                  "https://", "https://localhost/x", "x" * 2001, ""])
def test_bad_links_are_refused(link: str) -> None:
    with pytest.raises(BadLink):
        normalise_link(link)


def test_a_link_without_scheme_is_sent_as_https() -> None:
    assert normalise_link(" instagram.com/account ") == "https://instagram.com/account"
    assert normalise_link("http://x.com/a?b=1") == "http://x.com/a?b=1"


# ---- lifecycle -----------------------------------------------------------------------
@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_a_final_status_never_changes(final: OrderStatus) -> None:
    # The panel's verdicts on a cancel come from `canceling`: a final state has no exit.
    assert {other for other in S if other != final and can_move(final, other)} == set()
    order = make_order(status=final)
    with pytest.raises(IllegalTransition):
        order.move_to(S.PENDING, NOW)


def test_lifecycle_edges() -> None:
    assert can_move(S.SUBMITTING, S.UNKNOWN) and can_move(S.UNKNOWN, S.PENDING)
    assert not can_move(S.UNKNOWN, S.COMPLETED) and not can_move(S.PENDING, S.SUBMITTING)
    assert not can_move(S.PENDING, S.UNKNOWN)
    assert can_move(S.PENDING, S.CANCELING) and can_move(S.IN_PROGRESS, S.CANCELING)
    assert {s for s in S if can_move(S.CANCELING, s)} == {
        S.CANCELING, S.CANCELED, S.PARTIAL, S.COMPLETED, S.FAILED}


@pytest.mark.parametrize("ahead", [S.IN_PROGRESS, S.PROCESSING, S.AWAITING])
def test_an_open_status_never_moves_backwards(ahead: OrderStatus) -> None:
    """in_progress -> pending was allowed (the panel's stale answer moved the order back);
    now the furthest state stays, and the raw text is still recorded."""
    assert not can_move(ahead, S.PENDING) and can_move(S.PENDING, ahead)
    order = make_order(status=ahead)
    report = PanelOrder(1, S.PENDING, "Pending", Decimal("2"), 5, 80, "INR")
    assert order.apply_panel(report, NOW) is False
    assert order.status is ahead and order.provider_status == "Pending" and order.remains == 80
    with pytest.raises(IllegalTransition):
        order.move_to(S.PENDING, NOW)


def test_canceling_waits_for_a_verdict_and_open_answers_keep_it() -> None:
    order = make_order(status=S.CANCELING)
    for raw, status in (("Pending", S.PENDING), ("In progress", S.IN_PROGRESS)):
        assert order.apply_panel(PanelOrder(1, status, raw, None, 0, 50, "INR"), NOW) is False
        assert order.status is S.CANCELING and order.provider_status == raw
    verdict = PanelOrder(1, S.PARTIAL, "Partial", Decimal("1"), 0, 40, "INR")
    assert order.apply_panel(verdict, NOW) is True and order.status is S.PARTIAL


def test_panel_report_refreshes_numbers_but_not_a_final_status() -> None:
    order = make_order(status=S.COMPLETED)
    report = PanelOrder(1, S.IN_PROGRESS, "In progress", Decimal("1.5"), 7, 3, "INR")
    assert order.apply_panel(report, NOW) is False
    assert order.status is S.COMPLETED and order.remains == 3 and order.charge == Decimal("1.5")


def test_reaching_a_final_status_stamps_completed_at() -> None:
    order = make_order(status=S.IN_PROGRESS)
    report = PanelOrder(1, S.PARTIAL, "Partial", Decimal("1"), 0, 40, "INR")
    assert order.apply_panel(report, NOW) is True
    assert order.completed_at == NOW and order.provider_status == "Partial"


# ---- checks before add ---------------------------------------------------------------
def test_cost_is_exact_and_drip_feed_multiplies_by_runs() -> None:
    checked = check_draft(draft(333), service(rate="18.66405"))
    assert checked.cost == Decimal("6.21512865")
    drip = check_draft(draft(100, runs=3, interval=10), service())
    assert drip.units == 300 and drip.cost == Decimal("80.97690")
    assert drip.add.runs == 3 and drip.add.quantity == 100


@pytest.mark.parametrize(("quantity", "params", "fields"), [
    (9, {}, {"quantity"}),
    (1001, {}, {"quantity"}),
    (100, {"runs": 1, "interval": 5}, {"runs"}),
    (100, {"runs": 3}, {"interval"}),
    (100, {"runs": 3, "interval": 0}, {"interval"}),
    (400, {"runs": 3, "interval": 5}, {"quantity"}),  # 1200 in all > max 1000
    (100, {"comments": "nice"}, {"comments"}),  # not used by Default services
])
def test_quantity_and_params_are_checked(quantity: int, params: dict[str, object],
                                         fields: set[str]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_draft(draft(quantity, **params), service())
    assert fields_of(exc) == fields


def test_custom_comments_need_one_line_per_unit() -> None:
    comments = service("Custom Comments", least=1)
    with pytest.raises(ValidationFailed) as exc:
        check_draft(draft(3), comments)
    assert fields_of(exc) == {"comments"}
    with pytest.raises(ValidationFailed) as exc:
        check_draft(draft(3, comments="a\nb"), comments)
    assert fields_of(exc) == {"comments"}
    checked = check_draft(draft(3, comments=" a \n\nb\r\nc\n"), comments)
    assert checked.add.comments == "a\nb\nc" and checked.add.quantity is None


def test_unknown_service_and_bad_link_are_both_named() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_draft(draft(link="ftp://x"), None)
    assert fields_of(exc) == {"service", "link"}


def test_fingerprint_tells_bodies_apart() -> None:
    assert draft(100).fingerprint("place") == draft(100).fingerprint("place")
    assert draft(100).fingerprint("place") != draft(101).fingerprint("place")
    assert draft(100).fingerprint("place") != draft(100).fingerprint("manual")


# ---- the panel's refusals ------------------------------------------------------------
@pytest.mark.parametrize(("message", "reason", "field", "status"), [
    ("insufficient_funds", "insufficient_funds", None, 402),
    ("Not enough funds on balance", "insufficient_funds", None, 402),
    ("Incorrect link", "bad_link", "link", 422),
    ("Quantity less than minimal 10", "bad_quantity", "quantity", 422),
    ("Incorrect service ID", "bad_service", "service", 422),
    ("You have active order with this link. Please wait", "active_order", "link", 409),
    ("Invalid API key", "provider_config", None, 502),
    ("Something odd", "rejected", None, 422),
    ("Service is temporarily unavailable", "panel_unavailable", None, 503),
    ("Panel under maintenance, try later", "panel_unavailable", None, 503),
])
def test_refusals_are_read(message: str, reason: str, field: str | None, status: int) -> None:
    assert classify(message) == (reason, field)
    error = add_rejected(message, "o1")
    assert error.http_status == status and error.detail == message
    assert error.extra["orderId"] == "o1" and error.code == "provider_rejected"


# ---- the link's network (issue 11) ---------------------------------------------------
@pytest.mark.parametrize(("link", "network"), [
    ("https://youtu.be/x", "YouTube"), ("https://m.youtube.com/watch?v=1", "YouTube"),
    ("https://music.youtube.com/x", "YouTube"), ("https://vm.tiktok.com/x", "TikTok"),
    ("https://www.tiktok.com/@a", "TikTok"), ("https://fb.watch/x", "Facebook"),
    ("https://m.facebook.com/a", "Facebook"), ("https://instagr.am/p/1", "Instagram"),
    ("https://t.me/chan", "Telegram"), ("https://x.com/a", "Twitter"),
    ("https://mobile.twitter.com/a", "Twitter"), ("https://open.spotify.com/t", "Spotify"),
    ("https://lnkd.in/x", "LinkedIn"), ("https://www.threads.net/@a", "Threads"),
    ("https://wa.me/91", "WhatsApp"), ("https://pin.it/x", "Pinterest"),
    ("https://story.snapchat.com/x", "Snapchat"), ("https://www.twitch.tv/a", "Twitch"),
    ("https://on.soundcloud.com/x", "SoundCloud"), ("https://discord.gg/x", "Discord"),
    ("https://example.com/x", None), ("https://notyoutube.com/x", None),
    ("https://youtube.com.evil.example/x", None),
])
def test_the_network_of_a_link_comes_from_its_host(link: str, network: str | None) -> None:
    assert link_network(link) == network


def test_check_link_names_both_networks_and_lets_other_services_be() -> None:
    with pytest.raises(BadLink, match=r"YouTube.*Instagram"):
        check_link("youtube.com/watch?v=abc", "Instagram")
    assert check_link("instagram.com/x", "Instagram") == "https://instagram.com/x"
    assert check_link("youtube.com/x", "Website Traffic") == "https://youtube.com/x"
    assert check_link("bit.ly/x", "Instagram") == "https://bit.ly/x"


@pytest.mark.parametrize("link", [
    "http://127.0.0.1/", "127.0.0.1", "http://127.1/", "http://0x7f.0.0.1/", "http://[::1]/",
    "http://[fe80::1]/", "http://10.1.2.3/", "http://localhost/", "http://LOCALHOST.:80/",
    "http://a.localhost/", "http://nas.local/", "http://db.internal/", "http://8.8.8.8/",
])
def test_ip_literals_and_local_names_are_refused(link: str) -> None:
    with pytest.raises(BadLink, match="public host"):
        normalise_link(link)
