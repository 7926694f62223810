"""How incidents hook into a request: errorkit.incidents' signal receivers.

Connected in the app's ``ready()``: ``got_request_exception`` keeps the bug,
``_api_request_started`` keeps a small body, ``error_response_finished`` records
the answer once it is made, after the view's transaction (``ATOMIC_REQUESTS``)
has ended, so an incident survives the request's rollback. Any failure to
record is logged on ``errorkit.incidents``; the caller still gets its answer.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from ..conf import errorkit_settings
from ..state import state_of
from .capture import Failure, Occurrence, capture, capture_failure
from .storage import write
from .writer import writer

logger = logging.getLogger("errorkit.incidents")


def remember_exception(
    sender: Any, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """got_request_exception receiver: keep the bug for the incident's traceback."""
    exc = sys.exc_info()[1]
    if request is not None and exc is not None:
        state_of(request).exception = exc


def keep_body(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """Read a small non-file body now, so that it can go with an incident.

    DRF's parsers read the stream itself, after which Django cannot give the
    body again; read first, it is cached and DRF parses the copy.
    """
    if request.content_type == "multipart/form-data":
        return
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and 0 < int(length) <= max(
        errorkit_settings.INCIDENT_BODY_LIMIT * 4, 65536
    ):
        request.body  # noqa: B018  (cached on the request)


def should_record(status: int) -> bool:
    """Whether an answer is an incident's (every 5xx, and INCIDENT_4XX_CODES)."""
    return status >= 500 or status in errorkit_settings.INCIDENT_4XX_CODES


def _api_answer(request: HttpRequest, status: int) -> bool:
    """An API's answer, not a web page's: a caller's error on an API path or
    one errorkit answered (a DRF view's anywhere). A page's own 403 or 429
    (a CSRF refusal on a form, say) is not a failed API request."""
    state = state_of(request)
    answered = state.error is not None and state.error.status == status
    return bool(state.is_api) or answered


def record_response(
    sender: Any, request: HttpRequest, response: HttpResponseBase, **kwargs: Any
) -> None:
    """``error_response_finished`` receiver: record the answer if it is due,
    as an incident's occurrence or, for FINDABLE_4XX_CODES, a lean row."""
    status = response.status_code
    try:
        if should_record(status):
            item: Occurrence | Failure = capture(request, response)
        elif status in errorkit_settings.FINDABLE_4XX_CODES and _api_answer(
            request, status
        ):
            item = capture_failure(request, response)
        else:
            return
        if errorkit_settings.INCIDENT_RECORDING == "background":
            writer.submit(item)
        else:
            write([item])
    except Exception:
        logger.exception(
            "Could not record an incident for %s %s (request %s)",
            request.method,
            request.path,
            state_of(request).request_id or "-",
        )
