"""The caller's IP address, proxy-aware only by configuration.

By default X-Forwarded-For is ignored: any caller can write it, and a limit
keyed on it would let a caller choose a fresh bucket per request. With
``ERRORKIT["TRUSTED_PROXIES"]`` set, the header is read right to left, past the
proxies that are trusted, and every address is validated with ``ipaddress``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from ..conf import errorkit_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_ip(value: str) -> IPAddress | None:
    """An address from a header entry ("1.2.3.4", "1.2.3.4:80", "[::1]:80"), or None."""
    value = value.strip()
    if value.startswith("["):  # [IPv6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@lru_cache(maxsize=16)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks(setting: Sequence[str]) -> tuple[Network, ...]:
    return parse_networks(tuple(setting))


def _hops(request: HttpRequest) -> list[IPAddress | None]:
    """Every address the request passed, the client first and REMOTE_ADDR last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [parse_ip(part) for part in forwarded.split(",") if part.strip()]
    hops.append(parse_ip(request.META.get("REMOTE_ADDR", "")))
    return hops


def _nearest_valid(hops: list[IPAddress | None], index: int) -> IPAddress | None:
    # An entry that is not an address was written by a broken proxy or by the
    # caller: the nearest address on the trusted side is the best we know.
    for hop in hops[index:]:
        if hop is not None:
            return hop
    return None


def _client_address(request: HttpRequest) -> IPAddress | None:
    trusted = errorkit_settings.TRUSTED_PROXIES
    if not trusted:
        return parse_ip(request.META.get("REMOTE_ADDR", ""))
    hops = _hops(request)
    if isinstance(trusted, int):
        # REMOTE_ADDR is the last of `trusted` proxies; the client is just before.
        return _nearest_valid(hops, max(0, len(hops) - 1 - trusted))
    networks = trusted_networks(trusted)
    index = len(hops) - 1
    while index > 0:
        hop = hops[index]
        if hop is None or not any(hop in network for network in networks):
            break
        index -= 1
    return _nearest_valid(hops, index)


def client_ip(request: HttpRequest) -> str:
    """The client's address, masked as django-ratelimit masks it (IPv6 to a /64)."""
    address = _client_address(request)
    if address is None:
        raise ImproperlyConfigured(
            "The client IP is unknown: REMOTE_ADDR is empty or not an address. "
            "Behind a proxy on a Unix socket, set ERRORKIT['TRUSTED_PROXIES']."
        )
    if address.version == 4:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    else:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)
