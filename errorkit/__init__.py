"""errorkit: the complete, documented error contract of a paid API for DRF.

The public API is what this module exports, the ``ERRORKIT`` settings dict and
the documented dotted paths (``errorkit.handlers.exception_handler``,
``errorkit.middleware.ErrorkitMiddleware``, ``errorkit.views.handler404`` ...).
"""

from .decorators import ratelimit
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
from .request_id import current_request_id

__version__ = "0.1.0"

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
    "RateLimitExceeded",
    "RetryableError",
    "ServiceUnavailable",
    "UnsupportedMediaType",
    "current_request_id",
    "exception_handler",
    "ratelimit",
]
