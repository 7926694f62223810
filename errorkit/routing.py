"""Which requests are API requests, and so get JSON errors outside DRF views."""

from __future__ import annotations

from django.http import HttpRequest

from .conf import errorkit_settings
from .state import state_of


def media_type(content_type: str | None) -> str:
    """``application/json`` of ``application/json; charset=utf-8``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_json_media_type(value: str) -> bool:
    value = media_type(value)
    return value == "application/json" or value.endswith("+json")


def accepts_only_json(request: HttpRequest) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    media_types = [part for part in accept.split(",") if part.strip()]
    return bool(media_types) and all(_is_json_media_type(m) for m in media_types)


def is_api_request(request: HttpRequest) -> bool:
    """True under ``ERRORKIT["API_PATH_PREFIXES"]`` or when only JSON is accepted.

    The admin and HTML pages, which browsers request with ``Accept: text/html``,
    keep Django's own error pages.
    """
    known = state_of(request).is_api  # the middleware's answer
    if known is not None:
        return known
    return classify(request)


def classify(request: HttpRequest) -> bool:
    """``is_api_request``'s own decision, which the middleware records."""
    if request.path_info.startswith(tuple(errorkit_settings.API_PATH_PREFIXES)):
        return True
    return accepts_only_json(request)


def is_json_response_type(content_type: str | None) -> bool:
    return content_type is not None and _is_json_media_type(content_type)
