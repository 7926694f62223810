"""The views a project's URLconf routes to, each with its URL pattern: what
the system checks that look at views walk (errorkit.E011, errorkit.E013)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from .compat.drf import api_view_function


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


def view_class(callback: Any) -> type | None:
    """The class a URL's callback serves (DRF's ``cls``, Django's
    ``view_class``), None for a function view."""
    found = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return found if isinstance(found, type) else None


def handlers_of(callback: Callable[..., Any]) -> list[tuple[str, Any]]:
    """Everything a URL's callback may call, each with the HTTP method it
    serves ("" when that is not known): the callback itself, the function
    under ``@api_view``, a class's HTTP method handlers, a ViewSet's actions
    (those its URL maps, and its ``@action`` methods)."""
    handlers: list[tuple[str, Any]] = [("", callback)]
    cls = view_class(callback)
    function = None if cls is None else api_view_function(cls)
    if cls is None or function is not None:
        if function is not None:
            handlers.append(("", function))
        return handlers
    names = [(name.upper(), name) for name in getattr(cls, "http_method_names", ())]
    actions = getattr(callback, "actions", None)
    if isinstance(actions, dict):
        names += [
            (method.upper(), action)
            for method, action in actions.items()
            if isinstance(method, str) and isinstance(action, str)
        ]
        get_extra_actions = getattr(cls, "get_extra_actions", None)
        if callable(get_extra_actions):
            handlers += [("", action) for action in get_extra_actions()]
    for method, name in dict.fromkeys(names):
        handler = getattr(cls, name, None)
        if handler is not None:
            handlers.append((method, handler))
    return handlers
