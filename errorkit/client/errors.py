"""What a call to an API that follows errorkit's contract can fail with: one
exception class per documented status, each carrying the body's fields.

Every error has ``status`` (None when no answer came), ``error`` (the body's
code), ``message``, ``retry_after`` (seconds, from the body's ``retryAfter`` or
the ``Retry-After`` header), ``request_id`` (to quote to support), ``fields``
(a 400's per-field messages), ``response`` (the raw ``httpx.Response``) and
``attempts`` (how many tries the call made). ``user_message`` is the text to
show a person (``errorkit.client.messages``).
"""

from __future__ import annotations

import email.utils
import json
import math
from datetime import datetime, timezone
from typing import Any, ClassVar

import httpx

from .messages import user_message


class APIError(Exception):
    """Anything a call could not do."""

    status: ClassVar[int | None] = None

    def __init__(
        self,
        message: str,
        *,
        error: str = "",
        retry_after: float | None = None,
        request_id: str = "",
        fields: dict[str, list[str]] | None = None,
        links: dict[str, str] | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error = error
        self.retry_after = retry_after
        self.request_id = request_id
        self.fields = fields or {}
        # Where the person fixes it, by name (the server's "links":
        # addFunds on a 402, keys on a 401, where it has a dashboard).
        self.links = links or {}
        self.response = response
        self.attempts = 1

    @property
    def status_code(self) -> int | None:
        return self.response.status_code if self.response is not None else self.status

    @property
    def user_message(self) -> str:
        return user_message(self)

    def __str__(self) -> str:
        head = " ".join(str(p) for p in (self.status_code, self.error) if p)
        tail = f" (request {self.request_id})" if self.request_id else ""
        return f"{head}: {self.message}{tail}" if head else f"{self.message}{tail}"


class APIConnectionError(APIError):
    """No answer: the connection was refused, reset or timed out. ``sent``:
    whether the request may have reached the server (False when the
    connection was never made, so the call surely did not run)."""

    def __init__(self, message: str, *, sent: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.sent = sent


class APIStatusError(APIError):
    """The API answered with an error status."""


class UnexpectedResponseError(APIError):
    """The API answered with success, but not with what the call returns (a
    proxy's page, another API): the status and request id say which."""


class BadRequestError(APIStatusError):
    status = 400


class AuthenticationError(APIStatusError):
    status = 401


class InsufficientBalanceError(APIStatusError):
    status = 402


class PermissionDeniedError(APIStatusError):
    status = 403


class NotFoundError(APIStatusError):
    status = 404


class MethodNotAllowedError(APIStatusError):
    status = 405


class NotAcceptableError(APIStatusError):
    status = 406


class ConflictError(APIStatusError):
    """409: the same Idempotency-Key is still running; retried after its
    ``Retry-After``."""

    status = 409


class PayloadTooLargeError(APIStatusError):
    status = 413


class UnsupportedMediaTypeError(APIStatusError):
    status = 415


class UnprocessableEntityError(APIStatusError):
    """422: the Idempotency-Key was used with a different request."""

    status = 422


class RateLimitError(APIStatusError):
    status = 429


class InternalServerError(APIStatusError):
    status = 500


class BadGatewayError(APIStatusError):
    status = 502


class ServiceUnavailableError(APIStatusError):
    status = 503


class UnexpectedStatusError(APIStatusError):
    """A status the errors page does not list."""


BY_STATUS: dict[int, type[APIStatusError]] = {
    cls.status: cls for cls in APIStatusError.__subclasses__() if cls.status is not None
}


def retry_after_of(value: Any, header: str | None) -> float | None:
    """Seconds to wait: the body's ``retryAfter``, else ``Retry-After`` as
    seconds or as an HTTP date; None when neither says (or says nonsense)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and value >= 0:
            return float(value)
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _body(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The error a response is, however it is made: errorkit's body, a body
    with only ``error`` (the errors page's oldest form), a proxy's HTML page or
    nothing at all. Never raises."""
    status = response.status_code
    body = _body(response)
    cls = BY_STATUS.get(status, UnexpectedStatusError)
    request_id = response.headers.get("X-Request-ID", "")
    if body is None:
        kind = response.headers.get("Content-Type", "").split(";")[0] or "no type"
        what = "an empty body" if not response.content else f"a non-JSON body ({kind})"
        return cls(
            f"The server answered {status} {response.reason_phrase} with {what}.",
            retry_after=retry_after_of(None, response.headers.get("Retry-After")),
            request_id=request_id,
            response=response,
        )
    error = _text(body.get("error"))
    message = _text(body.get("message"))
    fields = body.get("fields")
    return cls(
        message or error or f"The server answered {status} {response.reason_phrase}.",
        error=error,
        retry_after=retry_after_of(
            body.get("retryAfter"), response.headers.get("Retry-After")
        ),
        request_id=str(body.get("requestId") or request_id),
        fields=fields if isinstance(fields, dict) else None,
        links=_links(body.get("links")),
        response=response,
    )


def _links(value: Any) -> dict[str, str]:
    """The body's links that are web addresses (anything else is dropped: a
    person is sent to none of it)."""
    if not isinstance(value, dict):
        return {}
    return {
        name: url
        for name, url in value.items()
        if isinstance(name, str)
        and isinstance(url, str)
        and url.startswith(("https://", "http://"))
        and not any(c.isspace() or ord(c) < 32 for c in url)
    }
