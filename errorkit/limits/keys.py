"""What a rate limit counts by: ``api_key``, ``user``, ``ip``, ``user_or_ip``,
``header:NAME``, a callable ``(group, request) -> str`` or its dotted path."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..callers import credential_identity, ip_identity, user_identity, user_or_ip

KeyFunc = Callable[[str, Any], Any]
Key = str | KeyFunc


def _header_value(request: Any, name: str) -> str:
    meta_key = "HTTP_" + name.upper().replace("-", "_")
    return f"header:{name}:{request.META.get(meta_key, '')}"


def _user_key(group: str, request: Any) -> str:
    return user_identity(request) or "user:anonymous"


def _ip_key(group: str, request: Any) -> str:
    return ip_identity(request)


def _api_key_key(group: str, request: Any) -> str:
    # The cache key is hashed by django-ratelimit: no secret is stored.
    return credential_identity(request)


def _user_or_ip_key(group: str, request: Any) -> str:
    return user_or_ip(request)


_SIMPLE: dict[str, KeyFunc] = {
    "api_key": _api_key_key,
    "user": _user_key,
    "ip": _ip_key,
    "user_or_ip": _user_or_ip_key,
}


def key_function(key: Key) -> KeyFunc:
    """``(group, request) -> str`` for ``key``, checked when the limit is declared.

    A key no one can count by fails at import time, not on the first request.
    A dotted path is imported on first use, so that a view module may name a
    function in a module that imports it.
    """
    if callable(key):
        return lambda group, request: f"fn:{key(group, request)}"
    if not isinstance(key, str) or not key:
        raise ImproperlyConfigured(
            f"A rate-limit key must be a string or callable: {key!r}"
        )
    if key in _SIMPLE:
        return _SIMPLE[key]
    if key.startswith("header:") and key[len("header:") :]:
        name = key[len("header:") :]
        return lambda group, request: _header_value(request, name)
    if "." in key:
        return lambda group, request: f"fn:{_imported(key)(group, request)}"
    raise ImproperlyConfigured(
        f"Unknown rate-limit key {key!r}: use one of {', '.join(_SIMPLE)}, "
        "'header:NAME', a callable (group, request) -> str, or its dotted path."
    )


@functools.cache
def _imported(path: str) -> KeyFunc:
    return import_string(path)
