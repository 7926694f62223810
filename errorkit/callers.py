"""Who is calling: the caller's identity as the rate limits count it and the
idempotency keys are scoped by, in one place.

``user_identity`` (a signed-in user), ``ip_identity`` (the caller's address,
behind trusted proxies), ``credential_identity`` (DRF's authenticated
credential, such as errorkit's API key) and ``user_or_ip``. Each is a short
string; none holds a secret (a credential is named by its class and primary
key).
"""

from __future__ import annotations

from typing import Any

from .limits.client_ip import client_ip


def user_identity(request: Any) -> str | None:
    """``user:<pk>`` for a signed-in caller, else None."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def ip_identity(request: Any) -> str:
    return f"ip:{client_ip(request)}"


def user_or_ip(request: Any) -> str:
    """``user:<pk>`` for a signed-in caller, else ``ip:<address>``."""
    return user_identity(request) or ip_identity(request)


def credential_identity(request: Any) -> str:
    """``key:<class>:<pk>`` for DRF's authenticated credential (errorkit's API
    key, a DRF Token...), else ``user_or_ip``."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "pk", None) is not None:
        return f"key:{type(auth).__name__}:{auth.pk}"
    return user_or_ip(request)
