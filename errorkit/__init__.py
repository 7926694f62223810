"""errorkit: the complete, documented error contract of a paid API for DRF.

The public API is what this module exports, the ``ERRORKIT`` settings dict and
the documented dotted paths (``errorkit.handlers.exception_handler``,
``errorkit.middleware.ErrorkitMiddleware``, ``errorkit.views.handler404`` ...).
``errorkit`` is the core app (no models); ``errorkit.keys``,
``errorkit.billing``, ``errorkit.idempotency`` and ``errorkit.incidents`` are
optional apps, on when installed.
"""

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .billing.decorators import Price, require_balance
    from .declarations import raises
    from .endpoints import endpoint
    from .exceptions import (
        APIError,
        BadGateway,
        Forbidden,
        IdempotencyConflict,
        IdempotencyKeyReused,
        InsufficientBalance,
        InternalError,
        InvalidAPIKey,
        InvalidRequest,
        MethodNotAllowed,
        NotAcceptable,
        NotFound,
        PayloadTooLarge,
        RateLimitExceeded,
        RetryableError,
        ServiceUnavailable,
        UnsupportedMediaType,
    )
    from .formatting import Error
    from .handlers import ExceptionHandler, exception_handler
    from .idempotency.decorators import idempotent
    from .limits.decorators import ratelimit
    from .request_id import current_request_id

# Every export is loaded on first use, so that ``errorkit.client`` imports
# without Django or DRF, and ``errorkit`` itself can be imported early
# (settings, the logging filter) before Django's apps are ready: some exports
# import DRF's views (which import the configured authentication classes) or
# an optional app's models. ``require_balance`` and ``idempotent`` need their
# apps installed (errorkit.billing, errorkit.idempotency) and say so.
_EXCEPTIONS = (
    "APIError",
    "BadGateway",
    "Forbidden",
    "IdempotencyConflict",
    "IdempotencyKeyReused",
    "InsufficientBalance",
    "InternalError",
    "InvalidAPIKey",
    "InvalidRequest",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "PayloadTooLarge",
    "RateLimitExceeded",
    "RetryableError",
    "ServiceUnavailable",
    "UnsupportedMediaType",
)
_LAZY = {
    **dict.fromkeys(_EXCEPTIONS, "errorkit.exceptions"),
    "Error": "errorkit.formatting",
    "raises": "errorkit.declarations",
    "endpoint": "errorkit.endpoints",
    "current_request_id": "errorkit.request_id",
    "ExceptionHandler": "errorkit.handlers",
    "exception_handler": "errorkit.handlers",
    "ratelimit": "errorkit.limits.decorators",
    "require_balance": "errorkit.billing.decorators",
    "Price": "errorkit.billing.decorators",
    "idempotent": "errorkit.idempotency.decorators",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'errorkit' has no attribute {name!r}")


# Listed, not derived from _LAZY: linters and type checkers read it as written.
__all__ = [
    "APIError",
    "BadGateway",
    "Error",
    "ExceptionHandler",
    "Forbidden",
    "IdempotencyConflict",
    "IdempotencyKeyReused",
    "InsufficientBalance",
    "InternalError",
    "InvalidAPIKey",
    "InvalidRequest",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "PayloadTooLarge",
    "Price",
    "RateLimitExceeded",
    "RetryableError",
    "ServiceUnavailable",
    "UnsupportedMediaType",
    "current_request_id",
    "endpoint",
    "exception_handler",
    "idempotent",
    "raises",
    "ratelimit",
    "require_balance",
]
