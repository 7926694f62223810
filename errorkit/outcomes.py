"""A view run to its answer: errors turned into responses, and rendered.

``errorkit.pipeline`` runs a decorated view once through here, inside the
transaction that records its success when a phase needs one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request


def is_success(status: int) -> bool:
    return 200 <= status < 300


def render(response: HttpResponse) -> HttpResponse:
    """Render a template or DRF response now. Rendering is part of the
    answer: a body that cannot be rendered is a failure here, before anything
    is decided on it, not after."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def run_view(
    view: Callable[..., Any], request: Any, args: Any, kwargs: Any
) -> HttpResponse:
    """The view's finished answer: inside DRF, its errors handled by the DRF
    view (as DRF would) and the answer finalised; rendered in any case."""
    if not isinstance(request, Request):
        return render(view(*args, **kwargs))
    try:
        response = view(*args, **kwargs)
    except Exception as exc:
        return drf_answer_to(exc, request, args, kwargs)
    return drf_finalised(response, request, args, kwargs)


def drf_answer_to(
    error: Exception, request: Request, args: Any, kwargs: Any
) -> HttpResponse:
    """What the DRF view answers to ``error`` (its handler, its headers),
    finalised and rendered; what its handler does not answer is raised."""
    response = request.parser_context["view"].handle_exception(error)
    return drf_finalised(response, request, args, kwargs)


def drf_finalised(
    response: HttpResponse, request: Request, args: Any, kwargs: Any
) -> HttpResponse:
    # (self, request, *args) for a view method: the URL's arguments follow.
    drf_view = request.parser_context["view"]
    return render(drf_view.finalize_response(request, response, *args[2:], **kwargs))
