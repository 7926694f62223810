"""The request body limit: 413 before a view reads a body it cannot hold.

DRF's parsers read the request stream directly, so Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (which only ``request.body`` enforces) never
applies to JSON bodies; errorkit's middleware applies it from Content-Length.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import exceptions as ek
from .conf import errorkit_settings


def body_limit(request: HttpRequest) -> int | None:
    limit = errorkit_settings.MAX_BODY_SIZE
    if limit is not None:
        return limit
    # Django's own limit excludes file uploads; so does ours when we follow it.
    if request.content_type == "multipart/form-data":
        return None
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def has_body(request: HttpRequest) -> bool:
    """Whether the request carries a body (a length, or chunked transfer)."""
    meta = request.META
    return meta.get("CONTENT_LENGTH", "0") not in ("", "0") or (
        "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "")
    )


def body_size_error(request: HttpRequest) -> ek.APIError | None:
    """The error for a body over the limit or a broken Content-Length, else None."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        length = -1
    if length < 0:
        return ek.InvalidRequest(
            _("The Content-Length header must be a whole number of bytes.")
        )
    limit = body_limit(request)
    if limit is not None and length > limit:
        return ek.PayloadTooLarge(
            _("The request body is %(size)d bytes; the limit is %(limit)d bytes.")
            % {"size": length, "limit": limit}
        )
    return None
