"""A view run to its outcome: the answer decided, and a success recorded with
everything that depends on it in one database transaction.

``errorkit.require_balance`` posts the charge there, and
``errorkit.idempotent`` stores the answer there, so that "charged", "the
view's rows exist" and "a stored success exists" are one fact: a crash, a cut
connection or an answer that cannot be rendered leaves none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from rest_framework.request import Request

from .state import state_of

# Runs inside the outcome's transaction for a 2xx answer; raising undoes it.
SuccessStep = Callable[[HttpResponse], None]


def is_success(status: int) -> bool:
    return 200 <= status < 300


def run_view(
    view: Callable[..., Any], request: Any, args: Any, kwargs: Any
) -> HttpResponse:
    """The view's finished answer: errors turned into responses, and rendered.

    Rendering is part of the answer: a body that cannot be rendered is a
    failure here, before anything is decided on it, not after.
    """
    if isinstance(request, Request):
        drf_view = request.parser_context["view"]
        try:
            response = view(*args, **kwargs)
        except Exception as exc:
            response = drf_view.handle_exception(exc)
        response = drf_view.finalize_response(request, response, *args[2:], **kwargs)
    else:
        response = view(*args, **kwargs)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def run_to_outcome(
    view: Callable[..., Any],
    request: Any,
    args: Any,
    kwargs: Any,
    *,
    first: SuccessStep | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> HttpResponse:
    """Run the view in a transaction: for a 2xx, ``first`` and then the
    request's success steps (``request.errorkit.success_steps``) run in it
    before it commits; any other answer rolls the view's writes back."""
    steps = state_of(request).success_steps
    with transaction.atomic(using=using):
        response = run_view(view, request, args, kwargs)
        if not is_success(response.status_code):
            transaction.set_rollback(True, using=using)
            return response
        if first is not None:
            first(response)
        while steps:
            steps.pop(0)(response)
    return response
