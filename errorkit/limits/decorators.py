"""``errorkit.ratelimit``: a rate limit on a view that answers an honest 429.

    @errorkit.ratelimit(rate="10/s", key="api_key")
    @errorkit.ratelimit(rate="1000/h", key="api_key")
    def post(self, request): ...

Works on function views, DRF ``APIView`` handler methods, ``@api_view``
functions (put it below ``@api_view``, so that DRF has authenticated the
caller), ViewSet actions and async views. Stacked limits are merged into one
check, so every limit counts the request and a 429 reports the longest wait
among the limits exceeded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django_ratelimit import ALL
from rest_framework.request import Request

from .. import exceptions as ek
from ..declarations import declarations_of, declare
from ..handlers import error_response
from ..view_requests import find_request
from .counting import Limit, Rate, apply_headers, check
from .keys import Key

View = Callable[..., Any]


def _reject(request: Any, error: ek.APIError) -> Any:
    # Inside DRF the view's handler renders it (and rolls back); elsewhere the
    # JSON answer is made here, so a plain view needs no middleware for it.
    if isinstance(request, Request):
        raise error
    return error_response(request, error)


def ratelimit(
    rate: Rate = None,
    key: Key = "api_key",
    method: Any = ALL,
    group: str | None = None,
    name: str | None = None,
) -> Callable[[View], View]:
    """Limit a view to ``rate`` requests per ``key``.

    ``rate``: django-ratelimit's syntax ("10/s", "100/5m"), a callable
    ``(group, request) -> rate`` or its dotted path (None: no limit).
    ``key``: "api_key", "user", "ip", "user_or_ip", "header:NAME", a callable
    ``(group, request) -> str`` or its dotted path. ``method``: the methods
    counted (all by default). ``group``: shares one count between views
    (default: the view's dotted name). ``name``: the policy's name in the
    RateLimit headers.
    """
    limit = Limit(rate=rate, key=key, method=method, group=group, name=name)

    def decorator(view: View) -> View:
        below = declarations_of(view)
        # Join the check of a limit right below; a decorator in between keeps
        # its place (functools.wraps copied the limit's declarations onto it,
        # but only the limit's own wrapper wraps its limited view directly).
        joins = below.limited_view is not None and (
            getattr(view, "__wrapped__", None) is below.limited_view
        )
        inner: View = (
            below.limited_view if joins and below.limited_view is not None else view
        )
        limits: tuple[Limit, ...] = (limit, *below.limits) if joins else (limit,)
        default_group = f"{inner.__module__}.{inner.__qualname__}"

        if iscoroutinefunction(inner):

            @functools.wraps(inner)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                request = find_request(args, "errorkit.ratelimit")
                try:
                    states = await sync_to_async(check)(request, limits, default_group)
                except ek.APIError as error:
                    return _reject(request, error)
                response = await inner(*args, **kwargs)
                apply_headers(response, states)
                return response

            wrapper: View = async_wrapper
        else:

            @functools.wraps(inner)
            def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
                request = find_request(args, "errorkit.ratelimit")
                try:
                    states = check(request, limits, default_group)
                except ek.APIError as error:
                    return _reject(request, error)
                response = inner(*args, **kwargs)
                apply_headers(response, states)
                return response

            wrapper = sync_wrapper

        declare(wrapper, view, ek.RateLimitExceeded, limited_view=inner, limits=limits)
        return wrapper

    return decorator
