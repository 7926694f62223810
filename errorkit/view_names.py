"""The dotted path of a view, as its author finds it in their code: the
name incidents are grouped and titled by, and the one checks and errors
name."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .compat.drf import api_view_function


def dotted_path(target: Any) -> str:
    """``module.qualname`` of a function or class."""
    module = getattr(target, "__module__", None) or "?"
    name = getattr(target, "__qualname__", None) or repr(target)
    return f"{module}.{name}"


@lru_cache(maxsize=1024)
def _class_path(cls: type) -> str:
    # DRF's @api_view makes a class, named after the function but with the
    # qualname "WrappedAPIView" for every function: the function is the name.
    return dotted_path(api_view_function(cls) or cls)


def view_path(callback: Any) -> str:
    """The dotted path of what a URL's callback runs: its view class (DRF's
    ``cls``, Django's ``view_class``), the function under ``@api_view``,
    or the function view itself."""
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if isinstance(cls, type):
        return _class_path(cls)
    return dotted_path(callback)
