"""Order links: checked as http(s) URLs, and reduced to a target key for analytics.

The key makes spellings of one target equal: `https://www.instagram.com/x/`,
`instagram.com/x` and `HTTP://Instagram.com/x` all give `instagram.com/x`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

LINK_MAX = 2000
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
_HOST_PREFIXES = ("www.", "m.", "mobile.")
# Query parameters that track the visitor, not the target.
_TRACKING = re.compile(r"^(utm_.*|igshid|igsh|fbclid|gclid|si|feature|ref|ref_src|share_id)$")


class BadLink(ValueError):
    """The text is not an http(s) URL with a host."""


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
    host = (parts.hostname or "").rstrip(".")
    if not _HOST.match(host) or (port is not None and not 0 < port < 65536):
        raise BadLink("must be an http(s) URL with a valid host name")
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
