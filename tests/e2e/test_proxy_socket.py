"""Over a real socket: X-Forwarded-For counts only when the peer is a listed proxy."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e


def _codes(base: str, forwarded: list[str]) -> list[int]:
    return [httpx.post(f"{base}/api/v1/companies", json={"name": "A"},
                       headers={"X-Forwarded-For": f}).status_code for f in forwarded]


def test_forged_header_from_an_unlisted_peer_and_real_one_from_a_listed_proxy(
        live_server: ServerFactory) -> None:
    direct = live_server(COMPANY_CREATE_LIMIT_PER_HOUR="2", FORWARDED_ALLOW_IPS="10.9.9.9")
    assert _codes(direct, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [201, 201, 429]
    proxied = live_server(COMPANY_CREATE_LIMIT_PER_HOUR="2", FORWARDED_ALLOW_IPS="127.0.0.1")
    assert _codes(proxied, ["203.0.113.1", "203.0.113.1", "203.0.113.1"]) == [201, 201, 429]
    assert _codes(proxied, ["203.0.113.2"]) == [201]
