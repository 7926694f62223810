"""DRF internals errorkit reads: each proven by tests/core/test_compat.py."""

from __future__ import annotations

from collections.abc import Callable
from inspect import getclosurevars, isfunction
from typing import Any

# Where DRF defines the method handlers of the class @api_view makes.
_API_VIEW_MODULE = "rest_framework.decorators"


def api_view_function(view_class: type) -> Callable[..., Any] | None:
    """The function an ``@api_view`` class serves, None for any other class.

    ``@api_view`` builds an APIView class whose handlers call the decorated
    function from a closure (DRF names it ``func``): the decorators below
    ``@api_view`` (errorkit's among them) are on that function only.
    """
    for method in getattr(view_class, "http_method_names", ()):
        handler = view_class.__dict__.get(method)
        if isfunction(handler) and handler.__module__ == _API_VIEW_MODULE:
            function = getclosurevars(handler).nonlocals.get("func")
            if callable(function):
                return function
    return None


def django_request(request: Any) -> Any:
    """The Django ``HttpRequest`` behind a DRF ``Request`` (DRF keeps it as
    ``_request``); any other request as it is."""
    return getattr(request, "_request", request)
