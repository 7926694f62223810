"""What a rate limit counts by: ``api_key``, ``user``, ``ip``, ``user_or_ip``,
``header:NAME``, a callable ``(group, request) -> str`` or its dotted path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .client_ip import client_ip

KeyFunc = Callable[[str, Any], Any]
Key = str | KeyFunc

SIMPLE_KEYS = ("api_key", "user", "ip", "user_or_ip")


def _user_value(request: Any) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _ip_value(request: Any) -> str:
    return f"ip:{client_ip(request)}"


def _api_key_value(request: Any) -> str:
    # DRF's authenticated credential (errorkit's API key, a DRF Token...); the
    # cache key is hashed by django-ratelimit, so no secret is stored in clear.
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "pk", None) is not None:
        return f"key:{type(auth).__name__}:{auth.pk}"
    return _user_value(request) or _ip_value(request)


def _header_value(request: Any, name: str) -> str:
    meta_key = "HTTP_" + name.upper().replace("-", "_")
    return f"header:{name}:{request.META.get(meta_key, '')}"


def validate_key(key: Key) -> None:
    """Fail at import time, not on the first request, for a key no one can count by."""
    if callable(key):
        return
    if not isinstance(key, str) or not key:
        raise ImproperlyConfigured(
            f"A rate-limit key must be a string or callable: {key!r}"
        )
    if key in SIMPLE_KEYS or "." in key:
        return
    if key.startswith("header:") and key[len("header:") :]:
        return
    raise ImproperlyConfigured(
        f"Unknown rate-limit key {key!r}: use one of {', '.join(SIMPLE_KEYS)}, "
        "'header:NAME', a callable (group, request) -> str, or its dotted path."
    )


def key_value(key: Key, group: str, request: Any) -> str:
    if callable(key):
        return f"fn:{key(group, request)}"
    if key == "api_key":
        return _api_key_value(request)
    if key == "user":
        return _user_value(request) or "user:anonymous"
    if key == "ip":
        return _ip_value(request)
    if key == "user_or_ip":
        return _user_value(request) or _ip_value(request)
    if key.startswith("header:"):
        return _header_value(request, key[len("header:") :])
    return f"fn:{import_string(key)(group, request)}"
