"""The client's address, the one every per-IP throttle keys on (`client_ip`).

By default it is the TCP peer. Behind a reverse proxy every client would share the
proxy's address, so FORWARDED_ALLOW_IPS lists the proxies (addresses or networks) whose
X-Forwarded-For (or, without it, RFC 7239 Forwarded) header is believed: walking the
header's hops from the right, past the listed proxies, the first other address is the
client. A header from any other peer is ignored, as anyone can forge it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import falcon

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
UNKNOWN = "unknown"


def parse_networks(values: Iterable[str]) -> list[Network]:
    """`*` trusts every peer; otherwise addresses or CIDR networks (ValueError if not)."""
    out: list[Network] = []
    for value in values:
        if value.strip() == "*":
            out += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
        else:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
    return out


def _address(text: str) -> Address | None:
    """An address out of one hop: `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `"[::1]"`."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _forwarded_hops(header: str) -> list[str]:
    hops = []
    for element in header.split(","):
        for pair in element.split(";"):
            name, _, value = pair.partition("=")
            if name.strip().lower() == "for":
                hops.append(value)
    return hops


def _hops(req: falcon.Request) -> list[str]:
    forwarded_for = req.get_header("X-Forwarded-For")
    if forwarded_for:
        return forwarded_for.split(",")
    forwarded = req.get_header("Forwarded")
    return _forwarded_hops(forwarded) if forwarded else []


class ClientAddress:
    """Falcon middleware: sets `req.context.client_ip` once per request."""

    def __init__(self, trusted: list[Network]) -> None:
        self._trusted = trusted

    def _is_proxy(self, address: Address | None) -> bool:
        return address is not None and any(address in net for net in self._trusted)

    def resolve(self, req: falcon.Request) -> str:
        peer = req.remote_addr or UNKNOWN
        current = _address(peer)
        if not self._is_proxy(current):
            return peer
        for hop in reversed(_hops(req)):
            address = _address(hop)
            if address is None:  # garbage from a hop: the last proxy is all we know
                break
            current = address
            if not self._is_proxy(address):
                break
        return str(current) if current is not None else peer

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.client_ip = self.resolve(req)


def client_ip(req: falcon.Request) -> str:
    """The client's address (see the module docstring): what per-IP limits key on."""
    resolved = getattr(req.context, "client_ip", None)
    return resolved if resolved else (req.remote_addr or UNKNOWN)
