"""Where a practice's webhook may post: https, public addresses; and its event filter."""

from __future__ import annotations

import pytest

from app.domain.webhook_targets import (
    TargetRefused,
    address_refusal,
    checked_event_types,
    parse_target,
    wants,
)


def test_an_https_url_is_taken_apart() -> None:
    target = parse_target("https://Hooks.Example.com/in?x=1", allow_private=False)

    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 443)
    assert parse_target("https://h.example:8443/", allow_private=False).port == 8443


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/in", "https_only"),
        ("ftp://hooks.example.com/in", "https_only"),
        ("hooks.example.com/in", "https_only"),
        ("https:///in", "bad_url"),
        ("https://user:pw@hooks.example.com/", "bad_url"),
        ("https://hooks.example.com:99999/", "bad_url"),
        ("https://" + "a" * 2000 + ".com/", "bad_url"),
    ],
)
def test_urls_that_may_not_receive_are_refused(url: str, code: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        parse_target(url, allow_private=False)

    assert refused.value.code == code


def test_plain_http_only_where_the_operator_allows_private_targets() -> None:
    assert parse_target("http://127.0.0.1:8080/", allow_private=True).port == 8080


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",
        "100.64.0.1",  # carrier-grade NAT
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4 loopback inside IPv6
        "224.0.0.1",
        "not an address",
    ],
)
def test_private_loopback_link_local_and_special_addresses_are_refused(address: str) -> None:
    assert address_refusal(address, allow_private=False) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_receive(address: str) -> None:
    assert address_refusal(address, allow_private=False) is None


def test_the_operator_may_allow_private_addresses() -> None:
    assert address_refusal("127.0.0.1", allow_private=True) is None


def test_an_event_filter_names_event_types() -> None:
    assert checked_event_types(["client_file.detach", "client_file.detach"]) == [
        "client_file.detach"
    ]
    assert checked_event_types([]) == []
    for bad in (["detach"], ["client_file."], ["client_file.Detach"], ["other.detach"]):
        with pytest.raises(TargetRefused):
            checked_event_types(bad)


def test_an_endpoint_wants_what_its_filter_names_or_everything() -> None:
    assert wants([], "detach")
    assert wants(["client_file.detach"], "detach")
    assert not wants(["client_file.detach"], "deactivate")
