"""The views a project's URLconf routes to, each with its URL pattern: what
the system checks that look at views walk (errorkit.E011, errorkit.E013)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class RoutedView:
    # The full pattern, as written in the URLconfs: "/v1/quotes/<str:sku>".
    route: str
    # What Django calls for it: a function, or what as_view() returned.
    callback: Callable[..., Any]


def routed_views(urlconf: str | None = None) -> Iterator[RoutedView]:
    """Every view of ``urlconf`` (ROOT_URLCONF by default), included URLconfs
    too, in their order; none in a project without ROOT_URLCONF."""
    if urlconf is None and not getattr(settings, "ROOT_URLCONF", None):
        return
    yield from _walk(get_resolver(urlconf).url_patterns, "")


def _walk(patterns: Iterable[Any], prefix: str) -> Iterator[RoutedView]:
    for pattern in patterns:
        route = _join(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield RoutedView("/" + _without_anchors(route), pattern.callback)


def _join(prefix: str, route: str) -> str:
    # A regex pattern's "^" anchors it where the prefix ends: not a character.
    return prefix.removesuffix("$") + route.removeprefix("^")


def _without_anchors(route: str) -> str:
    return route.removeprefix("^").removesuffix("$")
