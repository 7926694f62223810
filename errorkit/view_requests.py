"""Finding the request among a decorated view's arguments."""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.http import HttpRequest
from rest_framework.request import Request


def find_request(args: tuple[Any, ...], decorator: str) -> Any:
    # (request, ...) for functions, (self, request, ...) for methods.
    for arg in args[:2]:
        if isinstance(arg, (HttpRequest, Request)):
            return arg
    raise TypeError(
        f"{decorator} found no request among the view's first two arguments."
    )


def require_autocommit(decorator: str, using: str = "default") -> None:
    """Refuse to run inside a transaction the decorator cannot commit.

    A balance hold or an idempotency claim must be committed before the
    view runs, or racing requests would not see it (and a row lock would be
    held for the whole view).
    """
    connection = connections[using]
    # Only the request's own transaction is refused: an exempt view runs in
    # none, and a test's transaction (TestCase) is not the request's.
    if connection.in_atomic_block and connection.settings_dict.get("ATOMIC_REQUESTS"):
        # Imported here, on the way to an error only: it reads the URLconf's
        # view kinds, which no request that runs needs.
        from .atomic_requests import how_to_exempt

        raise ImproperlyConfigured(
            f"{decorator} must commit before the view runs, but the view runs in "
            f"the request's transaction (ATOMIC_REQUESTS of DATABASES[{using!r}]). "
            f"Exempt the view: {how_to_exempt(using)}. Or turn ATOMIC_REQUESTS "
            "off. manage.py check names every such view (errorkit.E011)."
        )


def require_sync_view(view: Any, decorator: str) -> None:
    """Refuse an async view at import time rather than fail on its first call."""
    if iscoroutinefunction(view):
        raise ImproperlyConfigured(
            f"{decorator} supports synchronous views only: {view.__qualname__} is "
            "async. Wrap the synchronous work it needs, or make the view synchronous."
        )
