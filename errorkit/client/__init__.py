"""errorkit.client: a caller's client for any API that follows errorkit's
error contract, sync and async, with the errors page's best practices built
in: typed errors, text to show a person, retries that honour ``retryAfter``,
and idempotency keys so that a retry never charges twice.

Importable without Django: ``pip install "errorkit[client]"`` (httpx and
tenacity).
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
from .results import Balance, Job, Model, ResponseInfo
from .retries import RetryEvent, RetryPolicy

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "AsyncClient",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "Balance",
    "Client",
    "ConflictError",
    "InsufficientBalanceError",
    "InternalServerError",
    "Job",
    "MethodNotAllowedError",
    "Model",
    "NotAcceptableError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
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
