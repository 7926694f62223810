"""Request ids: the caller's sane ``X-Request-ID``, else a new one.

The id of the request being served lives in a context variable too, so that
log records made anywhere during the request can carry it
(``errorkit.log.RequestIdFilter``), in threads and in async code alike.
"""

from __future__ import annotations

import functools
import os
import random
import re
from contextvars import ContextVar

from django.http import HttpRequest

from .conf import errorkit_settings
from .state import RequestState, state_of

# 1-200 characters of [A-Za-z0-9._-]: anything else (non-ASCII, spaces, quotes,
# newlines) could forge log lines or headers, so it is replaced, not cleaned.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,200}")

current_request_id: ContextVar[str | None] = ContextVar(
    "errorkit_request_id", default=None
)


# 128 random bits per id, as a UUID4 has. An id must be unique, not secret
# (a caller may send its own): a generator of errorkit's own, seeded from the
# OS and reseeded in every forked worker, gives them without a system call
# per request (which would cost more than the rest of the id's work). Not
# the global one: a project (or Hypothesis) seeding ``random`` would replay
# the same ids.
_ids = random.Random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_ids.seed)


def new_request_id() -> str:
    return f"req_{_ids.getrandbits(128):032x}"


def is_sane_request_id(value: str | None) -> bool:
    return value is not None and _SANE_ID.fullmatch(value) is not None


@functools.cache
def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def assign_request_id(request: HttpRequest, state: RequestState | None = None) -> str:
    """Give ``request`` its ``request.errorkit.request_id``, once, and return it
    (``state``: the request's, when the caller has it at hand)."""
    if state is None:
        state = state_of(request)
    request_id = state.request_id
    if request_id is None:
        incoming = request.META.get(_meta_key(errorkit_settings.REQUEST_ID_HEADER))
        if incoming is not None and errorkit_settings.TRUST_REQUEST_ID:
            request_id = str(incoming) if is_sane_request_id(incoming) else None
        state.request_id = request_id = request_id or new_request_id()
    return request_id
