"""One declarative class per documented failure, as DRF's ``rest_framework.exceptions``.

Each class states its HTTP status, its stable ``error`` code and a translatable
default message; views simply raise them::

    raise errorkit.NotFound("No model 'x'. Use one from GET /v1/models.",
                            code="model_not_found")

A project defines its own codes the same way::

    class QuotaExceeded(errorkit.APIError):
        status_code = 403
        default_code = "quota_exceeded"
        default_detail = _("Your plan's monthly quota is used up.")
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.encoding import force_str
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

__all__ = [
    "APIError",
    "InvalidRequest",
    "InvalidAPIKey",
    "InsufficientBalance",
    "Forbidden",
    "NotFound",
    "MethodNotAllowed",
    "NotAcceptable",
    "IdempotencyConflict",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "IdempotencyKeyReused",
    "RateLimitExceeded",
    "RetryableError",
    "InternalError",
    "BadGateway",
    "ServiceUnavailable",
    "whole_seconds",
]


# Default messages translated once per class and language: the handler builds
# an error for every failure, and gettext would cost more than the rest of it.
_default_messages: dict[tuple[type, str | None], str] = {}


def default_message_of(cls: type[exceptions.APIException]) -> str:
    """``cls``'s default message in the active language."""
    key = (cls, get_language())
    message = _default_messages.get(key)
    if message is None:
        message = _default_messages[key] = force_str(cls.default_detail)
    return message


def default_message(exc: exceptions.APIException) -> str:
    return default_message_of(type(exc))


def whole_seconds(seconds: float) -> int:
    """A wait as the whole seconds the contract promises: rounded up, at least 1.

    Rounding down would tell a client to come back before the wait is over.
    """
    return max(1, math.ceil(seconds))


class APIError(exceptions.APIException):
    """Base of every errorkit error: an HTTP status, a code and a message.

    ``headers`` are added to the response; ``extra`` fields are added to the
    body (they never replace ``error``, ``message`` or ``requestId``).
    """

    status_code: int = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_code: str = "internal_error"
    default_detail: Any = _("Something went wrong on our side. Please try again later.")
    # A stable grouping key for incidents; None lets errorkit derive one.
    fingerprint: str | None = None

    def __init__(
        self,
        message: Any = None,
        code: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if message is None:
            message = default_message(self)
        if type(message) is str:
            # What DRF's __init__ makes of a plain string, without its walk.
            self.detail = exceptions.ErrorDetail(message, code or self.default_code)
        else:
            super().__init__(detail=message, code=code)
        self.headers: dict[str, str] = dict(headers or {})
        self.extra: dict[str, Any] = dict(extra or {})

    @property
    def code(self) -> str:
        return str(getattr(self.detail, "code", None) or self.default_code)

    @property
    def message(self) -> str:
        return str(self.detail)


class InvalidRequest(APIError):
    """400: a bad body, a missing field, malformed JSON or a bad parameter.

    ``fields`` maps dotted field paths to their messages.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_request"
    default_detail = _("The request is invalid. Check the body and parameters.")

    def __init__(
        self,
        message: Any = None,
        code: str | None = None,
        *,
        fields: Mapping[str, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, code, **kwargs)
        self.fields: dict[str, list[str]] | None = (
            None if fields is None else {k: list(v) for k, v in fields.items()}
        )


class InvalidAPIKey(APIError):
    """401: a missing, malformed, unknown or revoked API key."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_api_key"
    default_detail = _(
        "Missing or invalid API key. Send it as 'Authorization: Bearer sk_...'."
    )


class InsufficientBalance(APIError):
    """402: the account's balance does not cover the request."""

    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_code = "insufficient_balance"
    default_detail = _("Insufficient balance. Please add funds to your account.")


class Forbidden(APIError):
    """403: the caller may not call this endpoint."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "forbidden"
    default_detail = _("You are not allowed to perform this request.")


class NotFound(APIError):
    """404; raise with ``code="model_not_found"`` (say) to name what is missing."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = _("The requested resource was not found. Check the URL.")


class MethodNotAllowed(APIError):
    """405; ``allowed`` becomes the ``Allow`` header."""

    status_code = status.HTTP_405_METHOD_NOT_ALLOWED
    default_code = "method_not_allowed"
    default_detail = _("This method is not allowed on this endpoint.")

    def __init__(
        self,
        message: Any = None,
        code: str | None = None,
        *,
        allowed: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, code, **kwargs)
        if allowed is not None:
            self.headers.setdefault("Allow", ", ".join(allowed))


class NotAcceptable(APIError):
    """406: no representation matches the request's Accept header."""

    status_code = status.HTTP_406_NOT_ACCEPTABLE
    default_code = "not_acceptable"
    default_detail = _("No response format matches the Accept header.")


class PayloadTooLarge(APIError):
    """413: the request body is over the configured limit."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = _("The request body is too large.")


class UnsupportedMediaType(APIError):
    """415: the body's Content-Type is not one the endpoint reads."""

    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_media_type"
    default_detail = _("Unsupported Content-Type. Send the body as application/json.")


class IdempotencyKeyReused(APIError):
    """422: the Idempotency-Key was already used for a different request."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used with a different request. "
        "Use a new key for a new request."
    )


class RetryableError(APIError):
    """An error that tells the caller when to come back (``retryAfter``).

    ``retry_after`` is in seconds and sent as whole seconds, rounded up, never
    below 1; None uses ``ERRORKIT["DEFAULT_RETRY_AFTER"]``.
    """

    def __init__(
        self,
        message: Any = None,
        code: str | None = None,
        *,
        retry_after: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, code, **kwargs)
        self.retry_after: int | None = (
            None if retry_after is None else whole_seconds(retry_after)
        )


class IdempotencyConflict(RetryableError):
    """409: a request with the same Idempotency-Key is still in progress."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"
    default_detail = _(
        "A request with this Idempotency-Key is still in progress. "
        "Retry after it completes."
    )


class RateLimitExceeded(RetryableError):
    """429: the caller is over a rate limit; ``retry_after`` says for how long."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limit_exceeded"
    default_detail = _("Too many requests. Please slow down.")


class InternalError(APIError):
    """500: an unexpected failure on our side. Never carries exception text."""


class BadGateway(APIError):
    """502: an upstream service failed."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "bad_gateway"
    default_detail = _("An upstream service failed. Please retry with backoff.")


class ServiceUnavailable(RetryableError):
    """503: the service is temporarily unavailable; ``retry_after`` is optional."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = _("The service is temporarily unavailable. Please retry later.")
