"""errorkit.client: a caller's client for any API that follows errorkit's
error contract, sync and async, with the errors page's best practices built
in: typed errors, text to show a person, retries that honour ``retryAfter``
and never repeat a write the server may have done, idempotency keys, and
calls paced by the ``RateLimit`` header.

Its own distribution, ``errorkit-client`` (httpx and tenacity; no Django):
``pip install errorkit-client``, or ``pip install "errorkit[client]"`` beside
the server package.
"""

from .clients import AsyncClient, Client
from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConflictError,
    InsufficientBalanceError,
    InternalServerError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnexpectedResponseError,
    UnexpectedStatusError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)
from .messages import user_message
from .responses import Response, ResponseInfo
from .retries import RetryEvent, RetryPolicy

# Kept in step with errorkit's (a test compares them).
__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "AsyncClient",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "InsufficientBalanceError",
    "InternalServerError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "Response",
    "ResponseInfo",
    "RetryEvent",
    "RetryPolicy",
    "ServiceUnavailableError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
    "user_message",
]
