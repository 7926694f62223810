"""Django internals errorkit reads: each proven by tests/core/test_compat.py."""

from __future__ import annotations

from typing import Any


def non_atomic_aliases(view: Any) -> set[str]:
    """The database aliases whose request transaction ``view`` (a URL's
    callback) is exempt from.

    ``transaction.non_atomic_requests`` records them on the view as
    ``_non_atomic_requests``, and Django's handler reads that attribute on the
    URL's callback, and only there, to decide whether to wrap the view in
    ``ATOMIC_REQUESTS``' transaction: ``as_view()`` copies it from a class's
    ``dispatch``.
    """
    return set(getattr(view, "_non_atomic_requests", ()))
