"""Views that cannot run inside ATOMIC_REQUESTS' transaction, and the line
that exempts each: what check errorkit.E011 and ``require_autocommit`` say.

``require_balance`` and ``idempotent`` commit (a hold, the claim of a key)
before the view runs. Django wraps a view in the request's transaction unless
the URL's callback is marked by ``transaction.non_atomic_requests``, and it
reads the mark on the callback only: where to write the decorator depends on
the view's kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from .compat.drf import api_view_function
from .declarations import declarations_of
from .urlconf import handlers_of, view_class
from .view_names import dotted_path

# The kinds of view, by where the exemption is written.
FUNCTION = "function"  # a function, @api_view ones too: above every decorator
CLASS = "class"  # an APIView, GenericAPIView or Django View: on the class
VIEWSET = "viewset"  # a ViewSet: on the ViewSet class

# What the exemption line of each kind needs imported.
_CLASS_IMPORTS = (
    "from django.db import transaction; "
    "from django.utils.decorators import method_decorator"
)
IMPORTS = {
    FUNCTION: "from django.db import transaction",
    CLASS: _CLASS_IMPORTS,
    VIEWSET: _CLASS_IMPORTS,
}


def non_atomic_decorator(alias: str = DEFAULT_DB_ALIAS) -> str:
    if alias == DEFAULT_DB_ALIAS:
        return "transaction.non_atomic_requests"
    return f'transaction.non_atomic_requests(using="{alias}")'


def exemption_line(kind: str, alias: str = DEFAULT_DB_ALIAS) -> str:
    """The line that exempts a view of ``kind`` from ``alias``' transaction."""
    decorator = non_atomic_decorator(alias)
    if kind == FUNCTION:
        return f"@{decorator}"
    return f'@method_decorator({decorator}, name="dispatch")'


@dataclass(frozen=True)
class AutocommitView:
    """A routed view whose handlers must commit before they run."""

    # What the exemption is written on: the function, or the class.
    target: Any
    kind: str
    # The errorkit decorators that commit: ("errorkit.require_balance",).
    decorators: tuple[str, ...]

    @property
    def path(self) -> str:
        return dotted_path(self.target)


def autocommit_view(callback: Callable[..., Any]) -> AutocommitView | None:
    """What ``callback`` (a URL's) runs that must commit first, None if nothing.

    Read from errorkit's declarations on the callback itself and on every
    handler it may call (``urlconf.handlers_of``).
    """
    cls = view_class(callback)
    function = None if cls is None else api_view_function(cls)
    if cls is None or function is not None:
        kind, target = FUNCTION, function or callback
    else:
        actions = getattr(callback, "actions", None)
        kind = VIEWSET if isinstance(actions, dict) else CLASS
        target = cls
    decorators = _autocommit_of(handler for _, handler in handlers_of(callback))
    if not decorators:
        return None
    return AutocommitView(target, kind, decorators)


def _autocommit_of(handlers: Iterable[Any]) -> tuple[str, ...]:
    found = (name for h in handlers for name in declarations_of(h).autocommit)
    return tuple(dict.fromkeys(found))


def how_to_exempt(alias: str = DEFAULT_DB_ALIAS) -> str:
    """The three ways to exempt a view, for a message that cannot tell which
    kind of view it is about."""
    return (
        f"on a function view (@api_view too), {exemption_line(FUNCTION, alias)} "
        "as its outermost decorator, above @api_view; on an APIView or a "
        f"GenericAPIView, {exemption_line(CLASS, alias)} on the class; on a "
        "ViewSet, the same line on the ViewSet class "
        f"({IMPORTS[CLASS]})"
    )
