"""Networks derived from Fampage's messy categories, checked over the whole bundled catalog."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest
from social_scale_core.panel.networks import OTHER, clean, network_of


def _catalog() -> list[dict[str, object]]:
    text = resources.files("social_scale_adapters.fampage").joinpath("catalog.json").read_text()
    return list(json.loads(text))


def test_every_service_of_the_snapshot_gets_a_known_network() -> None:
    counts = Counter(network_of(str(s["category"]), str(s["name"])) for s in _catalog())
    assert counts == {
        "Instagram": 93, "YouTube": 79, "Facebook": 64, "TikTok": 43, "WhatsApp": 30,
        "Twitter": 27, "LinkedIn": 19, "Website Traffic": 13, "Spotify": 12,
        "Mobile Apps": 10, "Google Maps": 8, "Threads": 6, "Quora": 5, "Pinterest": 4,
        "IMDb": 1, "Snapchat": 1,
    }


@pytest.mark.parametrize(
    ("category", "name", "network"),
    [
        ("Tiktok : Followers", "", "TikTok"),
        ("TikTok : Likes", "", "TikTok"),
        ("Whatsapp : Country Post Reaction", "", "WhatsApp"),
        ("WhatsApp : Members", "", "WhatsApp"),
        ("Youtube : Views", "", "YouTube"),
        ("Linkedin : Services \u1d3a\u1d31\u1d42", "", "LinkedIn"),  # "Services ᴺᴱᵂ"
        ("Twitter X : Views", "", "Twitter"),
        ("IG Threads : Likes", "", "Threads"),
        ("Quora.com : Services", "", "Quora"),
        ("IMDb Rating", "IMDB Votes", "IMDb"),
        ("Mobile App \U0001d5d7\U0001d5fc\U0001d604\U0001d5fb\U0001d5f9\U0001d5fc\U0001d5ee"
         "\U0001d5f1\U0001d600", "Android installs", "Mobile Apps"),
        ("Indian Website Traffic - Targeted app", "Traffic from Instagram", "Website Traffic"),
        ("Revenue : Real Ads clicks", "Youtube Views with Full Watchtime", "YouTube"),
        ("  instagram   :  Likes ", "", "Instagram"),
        ("Kick : Followers", "Kick followers", "Kick"),
        ("", "", OTHER),
        ("\u2b50\u2b50 : Stars", "mystery", OTHER),
        ("Premium", "mystery pack", OTHER),
    ],
)
def test_network_spellings(category: str, name: str, network: str) -> None:
    assert network_of(category, name) == network


def test_clean_folds_styled_letters_and_spaces() -> None:
    styled = "Mobile App \U0001d5d7\U0001d5fc\U0001d604\U0001d5fb  \u2b50 "
    assert clean(styled) == "Mobile App Down \u2b50"
