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


def was_logged(response: Any) -> bool:
    """Whether Django's ``log_response()`` has logged ``response``: it sets
    ``_has_been_logged`` on what it logs, and skips what carries it."""
    return bool(getattr(response, "_has_been_logged", False))


def mark_logged(response: Any, logged: bool = True) -> None:
    """Make ``log_response()`` treat ``response`` as logged (or not): the JSON
    that replaces a page Django logged is the same answer, logged once."""
    response._has_been_logged = logged


def csrf_accepted(request: Any) -> bool:
    """Whether CsrfViewMiddleware accepted ``request``: it sets
    ``csrf_processing_done`` on each request it lets through."""
    return bool(getattr(request, "csrf_processing_done", False))


def redis_connection_pool(cache_client: Any, write: bool) -> Any:
    """The redis-py connection pool Django's ``RedisCacheClient`` uses for a
    read or a write (one per server, made on first use)."""
    return cache_client._get_connection_pool(write)


def redis_client_class(cache_client: Any) -> Any:
    """The redis-py client class Django's ``RedisCacheClient`` builds its
    clients with (``redis.Redis``)."""
    return cache_client._client
