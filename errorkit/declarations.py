"""What errorkit's decorators add to a view, in one structure others read.

Each decorator (``errorkit.ratelimit``, ``require_balance``, ``idempotent``,
``errorkit.raises``) leaves a ``Declarations`` on the function it returns, as
``view.errorkit_declarations``, merged with those of the view it wraps. The
OpenAPI schema (``errorkit.openapi.AutoSchema``) documents an operation's
errors and request headers from it::

    class ModelNotFound(errorkit.NotFound):
        default_code = "model_not_found"

    class JobList(APIView):
        @errorkit.raises(ModelNotFound, errorkit.BadGateway)
        def post(self, request): ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

from .exceptions import APIError

View = TypeVar("View", bound=Callable[..., Any])

# Not "errorkit": that is the request state's attribute (errorkit.state).
ATTRIBUTE = "errorkit_declarations"


@dataclass(frozen=True)
class HeaderParameter:
    """A request header a decorator reads, as the schema documents it."""

    name: str
    description: str
    pattern: str | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class ResponseHeader:
    """A header every answer of a view carries (its errors and the 500s of
    its crashes included), as the schema documents it."""

    name: str
    value: str
    description: str


@dataclass(frozen=True)
class Declarations:
    # The error classes the view and every decorator inside it may answer.
    errors: tuple[type[APIError], ...] = ()
    # The request headers they read (Idempotency-Key...).
    headers: tuple[HeaderParameter, ...] = ()
    # The response headers every answer carries (Idempotency-Supported...).
    answer_headers: tuple[ResponseHeader, ...] = ()
    # The rate limits checked by the view's pipeline (errorkit.ratelimit).
    limits: tuple[Any, ...] = ()
    # The decorators on this view that must commit before the view runs
    # (a balance hold, an idempotency claim): such a view cannot run inside
    # the request's transaction (ATOMIC_REQUESTS). Read by the system check.
    autocommit: tuple[str, ...] = ()
    # The pipeline (errorkit.pipeline) whose entry this view is, if any: how
    # errorkit's decorators stacked on one view find each other.
    pipeline: Any = None


NONE = Declarations()


def declarations_of(view: Any) -> Declarations:
    """The declarations of ``view`` (a function, or a bound method)."""
    found = getattr(view, ATTRIBUTE, NONE)
    return found if isinstance(found, Declarations) else NONE


def declare(
    wrapper: Any,
    view: Any,
    *errors: type[APIError],
    headers: tuple[HeaderParameter, ...] = (),
    answer_headers: tuple[ResponseHeader, ...] = (),
    limits: tuple[Any, ...] | None = None,
    autocommit: tuple[str, ...] = (),
    pipeline: Any = None,
) -> None:
    """Leave on ``wrapper`` the declarations of ``view`` plus these (the
    limits and the pipeline replace the view's when given)."""
    inner = declarations_of(view)
    setattr(
        wrapper,
        ATTRIBUTE,
        replace(
            inner,
            errors=(*inner.errors, *errors),
            headers=(*inner.headers, *headers),
            answer_headers=(*inner.answer_headers, *answer_headers),
            limits=inner.limits if limits is None else limits,
            autocommit=(*inner.autocommit, *autocommit),
            pipeline=inner.pipeline if pipeline is None else pipeline,
        ),
    )


def raises(*errors: type[APIError]) -> Callable[[View], View]:
    """Declare the errors a view raises itself, for its OpenAPI operation."""
    for error in errors:
        if not (isinstance(error, type) and issubclass(error, APIError)):
            raise ImproperlyConfigured(
                f"errorkit.raises takes errorkit.APIError subclasses, not {error!r}: "
                "subclass the errorkit class with the status you answer, and set "
                "its default_code."
            )

    def decorator(view: View) -> View:
        declare(view, view, *errors)
        return view

    return decorator
