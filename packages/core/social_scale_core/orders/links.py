"""Order links: checked as public http(s) URLs that fit the service's network, and reduced
to a target key for analytics.

The key makes spellings of one target equal: `https://www.instagram.com/x/`,
`instagram.com/x` and `HTTP://Instagram.com/x` all give `instagram.com/x`.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from social_scale_core.panel.networks import OTHER

LINK_MAX = 2000
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_HOST_PREFIXES = ("www.", "m.", "mobile.")
# Query parameters that track the visitor, not the target.
_TRACKING = re.compile(r"^(utm_.*|igshid|igsh|fbclid|gclid|si|feature|ref|ref_src|share_id)$")


# The hosts of each network (a host matches a domain or any of its subdomains, e.g.
# m.youtube.com, vm.tiktok.com). Names are those of `networks.network_of`.
NETWORK_HOSTS: dict[str, tuple[str, ...]] = {
    "Instagram": ("instagram.com", "instagr.am", "ig.me"),
    "TikTok": ("tiktok.com",),
    "YouTube": ("youtube.com", "youtu.be", "youtube-nocookie.com"),
    "Facebook": ("facebook.com", "fb.com", "fb.watch", "fb.me", "fb.gg", "messenger.com"),
    "Twitter": ("twitter.com", "x.com", "t.co"),
    "Telegram": ("t.me", "telegram.me", "telegram.org", "telegram.dog"),
    "Spotify": ("spotify.com", "spotify.link", "spoti.fi"),
    "LinkedIn": ("linkedin.com", "lnkd.in"),
    "Threads": ("threads.net", "threads.com"),
    "WhatsApp": ("whatsapp.com", "wa.me", "whatsapp.net"),
    "Pinterest": ("pinterest.com", "pin.it", "pinterest.co.uk", "pinterest.ca",
                  "pinterest.de", "pinterest.fr", "pinterest.es", "pinterest.it",
                  "pinterest.com.au", "pinterest.com.mx", "pinterest.jp", "pinterest.ru"),
    "Snapchat": ("snapchat.com",),
    "Twitch": ("twitch.tv",),
    "SoundCloud": ("soundcloud.com", "snd.sc"),
    "Discord": ("discord.com", "discord.gg", "discordapp.com"),
    "Reddit": ("reddit.com", "redd.it"),
    "Quora": ("quora.com",),
    "IMDb": ("imdb.com",),
}
_DOMAIN_NETWORK = {domain: net for net, domains in NETWORK_HOSTS.items() for domain in domains}
# Names that reach this machine or the local network, never a client's public page.
_LOCAL_SUFFIXES = ("localhost", "local", "localdomain", "internal", "intranet", "lan",
                   "home", "corp", "home.arpa", "in-addr.arpa", "ip6.arpa", "test",
                   "invalid", "example")


class BadLink(ValueError):
    """The text is not a public http(s) URL with a host (or not one the service takes)."""


def normalise_link(link: str) -> str:
    """The link as sent to the panel: trimmed, `https://` added when no scheme is given.

    Raises BadLink for other schemes, spaces, a missing or malformed host, or > 2000 chars.
    """
    text = link.strip()
    if not text or len(text) > LINK_MAX or any(ch.isspace() for ch in text):
        raise BadLink("must be an http(s) URL without spaces, at most 2000 characters")
    if not _SCHEME.match(text):
        text = "https://" + text.removeprefix("//")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadLink("must be an http(s) URL") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise BadLink("must be an http(s) URL")
    host = (parts.hostname or "").rstrip(".").lower()
    _refuse_private(host)
    if not _HOST.match(host) or (port is not None and not 0 < port < 65536):
        raise BadLink("must be an http(s) URL with a valid host name")
    return text


def _refuse_private(host: str) -> None:
    """IP literals (any spelling: 127.1, 0x7f.1, [::1]), localhost and local-only names."""
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        last = host.rsplit(".", 1)[-1]
        literal = last.isdigit() or last.startswith("0x") or ":" in host
    if literal:
        raise BadLink("must name a public host, not an IP address")
    labels = host.split(".")
    if any(".".join(labels[i:]) in _LOCAL_SUFFIXES for i in range(len(labels))):
        raise BadLink("must name a public host, not localhost or a local network name")


def link_network(link: str) -> str | None:
    """The network a (normalised) link belongs to by its host, or None for other sites."""
    host = (urlsplit(link).hostname or "").rstrip(".").lower()
    labels = host.split(".")
    for i in range(len(labels) - 1):
        network = _DOMAIN_NETWORK.get(".".join(labels[i:]))
        if network is not None:
            return network
    return None


def check_link(link: str, service_network: str) -> str:
    """`normalise_link`, then the link's network (by host) must be the service's.

    A service of a network we have no hosts for (`Other`, website traffic, ...) takes any
    public URL; so does a link of an unknown site (a shortener, say). A link of a known
    network other than the service's is BadLink naming both networks.
    """
    text = normalise_link(link)
    found = link_network(text)
    if found is None or service_network == OTHER or service_network not in NETWORK_HOSTS:
        return text
    if found != service_network:
        raise BadLink(f"is a link to {found}, but this service is for {service_network}")
    return text


def target_key(link: str) -> str:
    """The link's target: host without www./m., path without trailing slash, and the
    query without tracking parameters (sorted); scheme, port and fragment dropped."""
    text = link.strip()
    if not _SCHEME.match(text):
        text = "https://" + text.removeprefix("//")
    parts = urlsplit(text)
    host = (parts.hostname or "").rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
            break
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = sorted(
        (name, value) for name, value in parse_qsl(parts.query, keep_blank_values=False)
        if not _TRACKING.match(name.lower())
    )
    return host + path + (f"?{urlencode(query)}" if query else "")
