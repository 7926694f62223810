"""errorkit: the complete, documented error contract of a paid API for DRF.

The public API is what this module exports, the ``ERRORKIT`` settings dict and
the documented dotted paths (``errorkit.handlers.exception_handler``,
``errorkit.middleware.ErrorkitMiddleware``, ``errorkit.views.handler404`` ...).
``errorkit`` is the core app (no models); ``errorkit.keys``,
``errorkit.billing``, ``errorkit.idempotency`` and ``errorkit.incidents`` are
optional apps, on when installed.
"""

import importlib
from typing import Any

from .declarations import raises
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
from .request_id import current_request_id

__version__ = "0.1.0"

# Loaded on first use: they import DRF's views (which import the configured
# authentication classes) or an optional app's models, which Django can load
# only once its apps are ready, while ``errorkit`` is imported earlier
# (settings, the logging filter). ``require_balance`` and ``idempotent`` need
# their apps installed (errorkit.billing, errorkit.idempotency) and say so.
_LAZY = {
    "ExceptionHandler": "errorkit.handlers",
    "exception_handler": "errorkit.handlers",
    "ratelimit": "errorkit.limits.decorators",
    "require_balance": "errorkit.billing.decorators",
    "Price": "errorkit.billing.decorators",
    "idempotent": "errorkit.idempotency.decorators",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'errorkit' has no attribute {name!r}")


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
    "exception_handler",
    "idempotent",
    "raises",
    "ratelimit",
    "require_balance",
]
