"""Request ids: the caller's sane ``X-Request-ID``, else a new one.

The id of the request being served lives in a context variable too, so that
log records made anywhere during the request can carry it
(``errorkit.log.RequestIdFilter``), in threads and in async code alike.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar

from django.http import HttpRequest

from .conf import errorkit_settings
from .state import state_of

# 1-200 characters of [A-Za-z0-9._-]: anything else (non-ASCII, spaces, quotes,
# newlines) could forge log lines or headers, so it is replaced, not cleaned.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,200}")

current_request_id: ContextVar[str | None] = ContextVar(
    "errorkit_request_id", default=None
)


def new_request_id() -> str:
    # 128 random bits, as a UUID4 has, without building a UUID object.
    return f"req_{os.urandom(16).hex()}"


def is_sane_request_id(value: str | None) -> bool:
    return value is not None and _SANE_ID.fullmatch(value) is not None


def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def assign_request_id(request: HttpRequest) -> str:
    """Give ``request`` its ``request.errorkit.request_id``, once, and return it."""
    state = state_of(request)
    if state.request_id is not None:
        return state.request_id
    incoming = request.META.get(_meta_key(errorkit_settings.REQUEST_ID_HEADER))
    if errorkit_settings.TRUST_REQUEST_ID and is_sane_request_id(incoming):
        request_id = str(incoming)
    else:
        request_id = new_request_id()
    state.request_id = request_id
    return request_id
