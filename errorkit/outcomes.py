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
    if isinstance(request, Request):
        drf_view = request.parser_context["view"]
        try:
            response = view(*args, **kwargs)
        except Exception as exc:
            response = drf_view.handle_exception(exc)
        response = drf_view.finalize_response(request, response, *args[2:], **kwargs)
    else:
        response = view(*args, **kwargs)
    return render(response)
