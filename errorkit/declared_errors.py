"""The errors a view may answer, declared where they are decided.

errorkit's decorators declare their own (a rate limit's 429, a balance's 402,
an idempotency key's 400, 409 and 422); ``errorkit.raises`` declares the ones a
view raises itself::

    class ModelNotFound(errorkit.NotFound):
        default_code = "model_not_found"

    class JobList(APIView):
        @errorkit.raises(ModelNotFound, errorkit.BadGateway)
        def post(self, request): ...

``errorkit.openapi.AutoSchema`` documents them all on the view's operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

from .exceptions import APIError

View = TypeVar("View", bound=Callable[..., Any])

_ATTRIBUTE = "_errorkit_errors"


def declared_errors(view: Any) -> tuple[type[APIError], ...]:
    """The error classes declared on ``view`` and every decorator inside it."""
    return getattr(view, _ATTRIBUTE, ())


def declare(wrapper: Any, view: Any, *errors: type[APIError]) -> None:
    """Declare ``errors`` on ``wrapper``, keeping those of the ``view`` it wraps."""
    setattr(wrapper, _ATTRIBUTE, (*declared_errors(view), *errors))


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
