"""FORWARDED_ALLOW_IPS: a proxy's X-Forwarded-For / Forwarded is believed only from a
listed proxy; from anyone else it is ignored and the peer's address counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from falcon import testing
from social_scale_app.app import create_app
from social_scale_http.client_address import ClientAddress, parse_networks
from social_scale_wiring.container import Container
from social_scale_wiring.settings import Settings

BASE = "/api/v1/companies"
PROXY = "10.0.0.5"


def _client(make_container: Callable[..., Container], **overrides: object) -> testing.TestClient:
    return testing.TestClient(create_app(make_container(company_create_limit_per_hour=2,
                                                        **overrides)))


def _create(client: testing.TestClient, peer: str, **headers: str) -> int:
    return client.simulate_post(BASE, json={"name": "A"}, remote_addr=peer,
                                headers=headers).status_code


def test_a_forged_header_from_an_unlisted_peer_changes_nothing(
        make_container: Callable[..., Container]) -> None:
    client = _client(make_container, forwarded_allow_ips=[PROXY])
    codes = [_create(client, "198.51.100.7", **{"X-Forwarded-For": f"203.0.113.{k}"})
             for k in range(3)]
    assert codes == [201, 201, 429]  # every forged address shares the peer's budget
    assert _create(client, "198.51.100.7", Forwarded="for=192.0.2.9") == 429


def test_the_listed_proxy_gives_each_client_its_own_budget(
        make_container: Callable[..., Container]) -> None:
    client = _client(make_container, forwarded_allow_ips=["10.0.0.0/24"])
    xff = {"X-Forwarded-For": "203.0.113.1"}
    assert [_create(client, PROXY, **xff) for _ in range(3)] == [201, 201, 429]
    assert _create(client, PROXY, **{"X-Forwarded-For": "203.0.113.2"}) == 201
    # The client prepended a forged hop; the proxy appended the real one: still counted.
    assert _create(client, PROXY, **{"X-Forwarded-For": "1.1.1.1, 203.0.113.1"}) == 429
    assert _create(client, PROXY, Forwarded='for="[2001:db8::17]:4711";proto=https') == 201


def test_without_the_setting_proxies_are_not_believed(
        make_container: Callable[..., Container]) -> None:
    client = _client(make_container)
    codes = [_create(client, PROXY, **{"X-Forwarded-For": f"203.0.113.{k}"}) for k in range(3)]
    assert codes == [201, 201, 429]


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("10.0.0.5", "203.0.113.1, 10.0.0.7", "203.0.113.1"),  # two proxies in a row
    ("10.0.0.5", "10.0.0.8", "10.0.0.8"),  # only proxies: the farthest
    ("10.0.0.5", "garbage, 10.0.0.9", "10.0.0.9"),  # no address past a proxy: that proxy
    ("10.0.0.5", "203.0.113.4:5123", "203.0.113.4"),
    ("10.0.0.5", "", "10.0.0.5"),
    ("192.0.2.1", "203.0.113.1", "192.0.2.1"),
])
def test_resolution_walks_hops_from_the_right(peer: str, header: str, client: str) -> None:
    resolver = ClientAddress(parse_networks(["10.0.0.0/24"]))
    req = testing.create_req(remote_addr=peer,
                             headers={"X-Forwarded-For": header} if header else {})
    assert resolver.resolve(req) == client


def test_a_bad_proxy_entry_names_the_variable() -> None:
    with pytest.raises(ValueError, match="not an IP address or network"):
        Settings(_env_file=None, forwarded_allow_ips="10.0.0.1,proxy.local")  # type: ignore[call-arg]
    assert Settings(_env_file=None,  # type: ignore[call-arg]
                    forwarded_allow_ips=" 10.0.0.1 , 10.1.0.0/16").forwarded_allow_ips == [
        "10.0.0.1", "10.1.0.0/16"]
