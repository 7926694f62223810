"""RFC 9457 problem details, by negotiation: a caller whose ``Accept`` prefers
``application/problem+json`` to ``application/json`` gets the same error as
``type``, ``title``, ``status``, ``detail`` and ``instance``, with errorkit's
members (``error``, ``requestId``, ``retryAfter``, ``fields``) kept as
extension members. Everyone else gets the errors page's body, unchanged.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

from .conf import errorkit_settings
from .formatting import Error

PROBLEM_JSON = "application/problem+json"
JSON = "application/json"


def accepted_quality(accept: str, media_type: str) -> float:
    """The q a request's Accept header gives exactly ``media_type`` (0 when it
    is not listed; wildcards never choose problem details)."""
    best = 0.0
    for part in accept.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        if name.lower() != media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if 0.0 <= quality <= 1.0:
            best = max(best, quality)
    return best


def wants_problem(request: HttpRequest) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    if "problem+json" not in accept:  # the common case, decided at once
        return False
    problem = accepted_quality(accept, PROBLEM_JSON)
    return problem > 0 and problem >= accepted_quality(accept, JSON)


def problem_type(code: str) -> str:
    template = errorkit_settings.PROBLEM_TYPE
    return template.replace("{error}", code) if template else "about:blank"


def title_of(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(error: Error, body: dict[str, Any], path: str) -> dict[str, Any]:
    """The problem details of an error whose errors-page body is ``body``."""
    members = {k: v for k, v in body.items() if k != "message"}
    return {
        "type": problem_type(error.code),
        "title": title_of(error.status),
        "status": error.status,
        "detail": body.get("message", error.message),
        "instance": path,
        **members,
    }


def problem_response(
    request: HttpRequest, error: Error, answered: HttpResponseBase
) -> HttpResponse:
    """``answered`` (errorkit's JSON error) as ``application/problem+json``,
    with the same status and headers."""
    body = errorkit_settings.FORMATTER(error)
    response = JsonResponse(
        problem_body(error, body, request.path),
        status=error.status,
        content_type=PROBLEM_JSON,
    )
    for name, value in answered.items():
        if name.lower() not in {"content-type", "content-length"}:
            response[name] = value
    return response
