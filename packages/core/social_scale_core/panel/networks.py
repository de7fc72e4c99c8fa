"""The social network of a panel service, derived from its messy category and name."""

from __future__ import annotations

import re
import unicodedata

OTHER = "Other"

# Canonical name -> spellings accepted as a whole category head ("Tiktok : Views").
_HEADS: dict[str, tuple[str, ...]] = {
    "Instagram": ("instagram", "ig", "insta"),
    "Facebook": ("facebook", "fb"),
    "TikTok": ("tiktok", "tik tok"),
    "YouTube": ("youtube", "yt", "you tube"),
    "Twitter": ("twitter", "twitter x", "x twitter", "x"),
    "WhatsApp": ("whatsapp", "whats app"),
    "Telegram": ("telegram",),
    "LinkedIn": ("linkedin",),
    "Threads": ("threads", "ig threads", "instagram threads"),
    "Spotify": ("spotify",),
    "Snapchat": ("snapchat",),
    "Pinterest": ("pinterest",),
    "Quora": ("quora", "quora com"),
    "Reddit": ("reddit",),
    "Discord": ("discord",),
    "Twitch": ("twitch",),
    "SoundCloud": ("soundcloud",),
    "Google Maps": ("google map", "google maps", "google business"),
    "IMDb": ("imdb",),
    "Website Traffic": ("website traffic", "web traffic", "website"),
    "Mobile Apps": ("mobile app", "mobile apps", "app installs"),
}
# Longer phrases found anywhere in a category or name; short heads like "x" are too risky.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    **{net: tuple(a for a in aliases if len(a) > 3) for net, aliases in _HEADS.items()},
    "Website Traffic": ("website traffic", "web traffic", "website", "traffic"),
}
_ALIAS = {alias: net for net, aliases in _HEADS.items() for alias in aliases}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_WORDY = re.compile(r"^[A-Za-z][A-Za-z0-9 .&'-]{0,29}$")


def clean(text: str) -> str:
    """Styled Unicode (math-bold letters, superscripts) folded to plain text; spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", clean(text).casefold()).strip()


def _first_keyword(text: str) -> str | None:
    """The network whose keyword occurs earliest in `text` (as whole words)."""
    padded = f" {_key(text)} "
    best: tuple[int, int, str] | None = None
    for network, words in _KEYWORDS.items():
        for word in words:
            at = padded.find(f" {word} ")
            if at >= 0 and (best is None or (at, -len(word)) < best[:2]):
                best = (at, -len(word), network)
    return best[2] if best else None


def network_of(category: str, name: str = "") -> str:
    """Canonical network ("TikTok", "YouTube", ...) of a service; "Other" if none is found.

    Order: the category's head before ":" as a known spelling; a known network named in
    the category; one named in the service name; the panel's own head (a network we do
    not know yet, e.g. "Kick"); else "Other".
    """
    head, colon, _rest = clean(category).partition(":")
    head = head.strip()
    known = _ALIAS.get(_key(head))
    if known:
        return known
    found = _first_keyword(category) or _first_keyword(name)
    if found:
        return found
    if colon and _WORDY.match(head):
        return head
    return OTHER
