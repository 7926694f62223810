"""Secrets out of everything an incident stores, before it is stored.

Values of denied keys become ``[Filtered]``, at any depth, whatever the case of
the key: Authorization, Cookie, Set-Cookie, X-Api-Key, and any key that looks
like a password, secret, token, API key, session, CSRF token or card number,
plus ``ERRORKIT["SCRUB_KEYS"]``. ``sk_...`` strings are replaced wherever they
appear, in free text too.
"""

from __future__ import annotations

import re
from typing import Any

from ..conf import errorkit_settings

FILTERED = "[Filtered]"
DENIED_WORDS = (
    "authorization",
    "cookie",
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "session",
    "csrf",
    "cardnumber",
)
SECRET_KEY_PATTERN = re.compile(r"sk_[A-Za-z0-9_\-]{8,}")


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_denied(name: Any) -> bool:
    key = _normal(str(name))
    extra = [_normal(word) for word in errorkit_settings.SCRUB_KEYS]
    return any(word in key for word in (*DENIED_WORDS, *extra))


def scrub_text(text: str) -> str:
    return SECRET_KEY_PATTERN.sub(FILTERED, text)


def scrub(value: Any) -> Any:
    """A copy of ``value`` with denied keys' values and sk_ strings filtered."""
    if isinstance(value, dict):
        return {k: FILTERED if is_denied(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value
