"""errorkit.client_ip: X-Forwarded-For only behind trusted proxies, always validated."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from errorkit.limits.client_ip import client_ip, parse_ip

factory = RequestFactory()


def ip(remote: str = "203.0.113.9", xff: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(factory.get("/v1/x", **meta))


def test_by_default_the_header_is_ignored():
    assert ip(xff="1.1.1.1") == "203.0.113.9"


@override_settings(ERRORKIT={"TRUSTED_PROXIES": 1})
def test_one_trusted_proxy_takes_the_last_forwarded_address():
    assert ip(remote="10.0.0.2", xff="6.6.6.6, 198.51.100.7") == "198.51.100.7"
    assert ip(remote="10.0.0.2") == "10.0.0.2"  # no header: the peer itself


@override_settings(ERRORKIT={"TRUSTED_PROXIES": 2})
def test_two_trusted_proxies():
    assert (
        ip(remote="10.0.0.2", xff="6.6.6.6, 198.51.100.7, 10.0.0.1") == "198.51.100.7"
    )
    assert ip(remote="10.0.0.2", xff="198.51.100.7") == "198.51.100.7"


@override_settings(ERRORKIT={"TRUSTED_PROXIES": ["10.0.0.0/8", "fd00::/8"]})
def test_trusted_networks_are_walked_right_to_left():
    assert (
        ip(remote="10.0.0.2", xff="6.6.6.6, 198.51.100.7, 10.1.1.1") == "198.51.100.7"
    )
    # A peer outside the trusted networks is the client, whatever it claims.
    assert ip(remote="203.0.113.9", xff="1.1.1.1") == "203.0.113.9"
    assert ip(remote="fd00::1", xff="198.51.100.7") == "198.51.100.7"


@override_settings(ERRORKIT={"TRUSTED_PROXIES": 1})
@pytest.mark.parametrize(
    "xff",
    [
        "garbage",
        "1.2.3.999",
        "",
        " , ,",
        "\u00e9\u00e9",
        "1.2.3.4, <script>",
        "x" * 5000,
    ],
)
def test_malformed_headers_never_break_the_request(xff):
    assert ip(remote="10.0.0.2", xff=xff) == "10.0.0.2"


@override_settings(ERRORKIT={"TRUSTED_PROXIES": 1})
def test_ports_and_brackets_are_understood():
    assert ip(remote="10.0.0.2", xff="198.51.100.7:4431") == "198.51.100.7"
    assert ip(remote="10.0.0.2", xff="[2001:db8::1]:443") == "2001:db8::"


def test_ipv6_is_masked_to_a_64_as_django_ratelimit_does():
    assert ip(remote="2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::"
    assert parse_ip("::1") is not None and parse_ip("nope") is None


def test_an_empty_remote_addr_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        ip(remote="")


@pytest.mark.django_db
@override_settings(ERRORKIT={"TRUSTED_PROXIES": 1})
def test_a_limited_view_with_a_malformed_header_answers_normally(client, fake_clock):
    response = client.get(
        "/v1/limited/apiview", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="\x00bad"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_callers_cannot_pick_a_fresh_bucket_with_the_header(client, fake_clock):
    for n in range(2):
        client.get("/v1/limited/apiview", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
    response = client.get("/v1/limited/apiview", HTTP_X_FORWARDED_FOR="1.1.1.99")
    assert response.status_code == 429
