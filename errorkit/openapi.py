"""OpenAPI for drf-spectacular: every operation documents the errors it answers.

    REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "errorkit.openapi.AutoSchema"}

Each operation of a view answered by errorkit's exception handler gets, beside
its success response, one response per error status it can produce, all with
the one ``Error`` body, an example per ``error`` code and the headers that come
with it (``Retry-After``, ``WWW-Authenticate``, ``RateLimit``...). The statuses
come from what the view is made of:

- 400, 413 and 415 for a request body; 400 for query parameters;
- 401 when the view authenticates; 403 when a permission can refuse, and on
  every operation for a ``Host`` the project does not serve (``ALLOWED_HOSTS``);
- 404 for a path parameter or a paginated list;
- what errorkit's decorators and ``errorkit.raises`` declare on the method
  (402, 409, 422, 429, and a view's own codes);
- 503 with a rate limit that fails closed, and always 500.

A status the view documents itself (``extend_schema(responses=...)``) is kept
as it is. Request headers the decorators read (``Idempotency-Key``) come from
the same declarations. A permission class may say when it can refuse with a
method ``may_refuse(method: str) -> bool``; others are taken to refuse always.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.plumbing import ResolvedComponent, get_doc
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.permissions import (
    AllowAny,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)

from . import exceptions as ek
from .compat.spectacular import HookedAutoSchema
from .conf import errorkit_settings
from .conversion import WRONG_HOST
from .declarations import HeaderParameter, declarations_of

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The body of every 4xx and 5xx answer.",
    "properties": {
        "error": {
            "type": "string",
            "description": "A stable snake_case code: branch on this.",
        },
        "message": {
            "type": "string",
            "description": "One human-readable sentence, in the request's language.",
        },
        "requestId": {
            "type": "string",
            "description": "The X-Request-ID response header: quote it to support.",
        },
        "retryAfter": {
            "type": "integer",
            "minimum": 1,
            "description": "Whole seconds until a retry can succeed (409, 429, 503).",
        },
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Validation messages by dotted field path (400).",
        },
        "links": {
            "type": "object",
            "additionalProperties": {"type": "string", "format": "uri"},
            "description": (
                "Where the caller fixes it, where the project serves the "
                "customers' dashboard (errorkit.dashboard): addFunds on a 402, "
                "keys on a 401."
            ),
        },
    },
    "required": ["error", "message", "requestId"],
}

# RFC 9457, for a caller whose Accept prefers application/problem+json:
# errorkit's members (error, requestId, retryAfter, fields) as extensions.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The same error as RFC 9457 problem details (negotiated).",
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            "description": "about:blank, or ERRORKIT['PROBLEM_TYPE'] with the code.",
        },
        "title": {"type": "string", "description": "The status' reason phrase."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "The error's message."},
        "instance": {"type": "string", "description": "The request's path."},
        **{
            name: schema
            for name, schema in ERROR_SCHEMA["properties"].items()
            if name != "message"
        },
    },
    "required": ["type", "title", "status", "detail", "error", "requestId"],
}

# Any JSON value, typed so that a generator makes it a union, not nothing.
ANY_JSON: dict[str, Any] = {
    "description": "Any JSON value.",
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
    ],
}

_STRING = {"type": "string"}
_SECONDS = {"type": "integer", "minimum": 1}
REQUEST_ID_HEADER = {
    "schema": _STRING,
    "description": "The request's id, also in the body as requestId.",
}
RETRY_AFTER_HEADER = {
    "schema": _SECONDS,
    "description": "Seconds until a retry can succeed, as retryAfter.",
}
RATELIMIT_HEADERS = {
    "RateLimit-Policy": {
        "schema": _STRING,
        "description": "Each limit's quota and window (IETF httpapi draft).",
    },
    "RateLimit": {
        "schema": _STRING,
        "description": "Each limit's remaining requests and seconds to reset.",
    },
}
HEADERS_BY_STATUS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "schema": _STRING,
            "description": "The scheme to authenticate with (Bearer).",
        },
    },
    405: {
        "Allow": {
            "schema": _STRING,
            "description": "The methods the path serves.",
        },
    },
    409: {"Retry-After": RETRY_AFTER_HEADER},
    429: {"Retry-After": RETRY_AFTER_HEADER, **RATELIMIT_HEADERS},
    503: {"Retry-After": RETRY_AFTER_HEADER},
}
EXAMPLE_REQUEST_ID = "req_4f9c2e7a1b8d4c3e9f0a6b5d2c1e8f7a"
EXAMPLE_FIELDS = {"input.items.0.name": ["This field is required."]}

_BODY_METHODS = ("POST", "PUT", "PATCH")


class HostNotServed(ek.Forbidden):
    """The 403 of a request whose ``Host`` is not in ``ALLOWED_HOSTS``.

    Django refuses such a request before any view runs, whatever the view, so
    every operation can answer it. Its code is ``forbidden``, as a refusing
    permission's: this class only gives the schema its message as example.
    """

    default_detail = WRONG_HOST


def header_parameter(header: HeaderParameter) -> OpenApiParameter:
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if header.pattern is not None:
        schema["pattern"] = header.pattern
    if header.max_length is not None:
        schema["maxLength"] = header.max_length
    return OpenApiParameter(
        header.name,
        type=schema,
        location=OpenApiParameter.HEADER,
        description=header.description,
    )


class AutoSchema(HookedAutoSchema):
    """drf-spectacular's AutoSchema, with errorkit's error responses."""

    def response_bodies(self, responses: dict[str, Any], direction: Any) -> Any:
        if direction != "response" or not self.answers_with_errorkit():
            return responses
        errors = self.error_classes()
        if 429 in errors and errorkit_settings.RATELIMIT_HEADERS:
            for code, response in responses.items():
                if code.startswith("2"):
                    response.setdefault("headers", {}).update(RATELIMIT_HEADERS)
        for status, classes in sorted(errors.items()):
            responses.setdefault(str(status), self.error_response(status, classes))
        self.add_answer_headers(responses)
        return responses

    def add_answer_headers(self, responses: dict[str, Any]) -> None:
        """The headers every answer of the view carries, on every response."""
        declared = declarations_of(self.view_method()).answer_headers
        if not declared:
            return
        headers = {
            header.name: {
                "schema": {"type": "string", "enum": [header.value]},
                "description": header.description,
            }
            for header in declared
        }
        for response in responses.values():
            if isinstance(response, dict):
                response.setdefault("headers", {}).update(headers)

    # Summaries and descriptions from docstrings: the first line of the
    # method's (else the view's) docstring is the summary, the rest the
    # description.

    def _docstring_parts(self) -> tuple[str, str]:
        text = get_doc(self.view_method()) or get_doc(self.view.__class__)
        summary, _, rest = text.strip().partition("\n")
        return summary.strip(), rest.strip()

    def get_summary(self) -> str | None:
        return super().get_summary() or self._docstring_parts()[0] or None

    def get_description(self) -> str:  # type: ignore[override]  # as drf-spectacular's
        described = super().get_description()
        summary, rest = self._docstring_parts()
        if described and described.strip().startswith(summary):
            return rest  # the summary is not said twice
        return described or rest

    # Types a generated client can use: any JSON as any JSON, and money
    # (a DecimalField with min_value >= 0) as a non-negative decimal string.

    def serializer_field(self, schema: dict[str, Any], field: Any) -> dict[str, Any]:
        if isinstance(field, serializers.JSONField) and "type" not in schema:
            return {**ANY_JSON, **{k: v for k, v in schema.items() if k != "oneOf"}}
        if isinstance(field, serializers.DecimalField):
            minimum = field.min_value
            pattern = schema.get("pattern", "")
            if minimum is not None and minimum >= 0 and pattern.startswith("^-?"):
                schema["pattern"] = "^" + pattern[3:]
        return schema

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        for header in declarations_of(self.view_method()).headers:
            parameters.append(header_parameter(header))
        return parameters

    def answers_with_errorkit(self) -> bool:
        from .handlers import exception_handler

        return self.view.get_exception_handler() is exception_handler

    # What the view can answer

    def error_classes(self) -> dict[int, list[type[ek.APIError]]]:
        """The error classes the operation can answer, by status."""
        by_status: dict[int, list[type[ek.APIError]]] = {}
        for error in self.possible_errors():
            errors = by_status.setdefault(error.status_code, [])
            if all(e.default_code != error.default_code for e in errors):
                errors.append(error)
        return by_status

    def possible_errors(self) -> Iterable[type[ek.APIError]]:
        if self.has_request_body():
            yield from (ek.InvalidRequest, ek.PayloadTooLarge, ek.UnsupportedMediaType)
        elif any(p["in"] == "query" for p in self._get_parameters()):
            yield ek.InvalidRequest
        if self.view.get_authenticators():
            yield ek.InvalidAPIKey
        if self.may_refuse_permission():
            yield ek.Forbidden
        # Any operation, for a Host the project does not serve (after a
        # refusing permission, whose example then speaks for the code).
        yield HostNotServed
        if self.has_path_parameters() or self.is_paginated():
            yield ek.NotFound
        if self.view.get_renderers():
            yield ek.NotAcceptable  # an Accept header no renderer serves
        # Any path answers 405 to a method it does not serve: documented on
        # each operation, so that a generated client knows the body.
        yield ek.MethodNotAllowed
        declared = declarations_of(self.view_method()).errors
        yield from declared
        throttled = bool(self.view.get_throttles())
        if throttled:
            yield ek.RateLimitExceeded
        limited = throttled or ek.RateLimitExceeded in declared
        if limited and errorkit_settings.RATELIMIT_ON_CACHE_FAILURE == "closed":
            yield ek.ServiceUnavailable
        yield ek.InternalError

    def view_method(self) -> Any:
        action = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, action, None)

    def has_request_body(self) -> bool:
        return self.method in _BODY_METHODS and bool(self.view.get_parsers())

    def has_path_parameters(self) -> bool:
        return any(p["in"] == "path" for p in self._get_parameters())

    def is_paginated(self) -> bool:
        paginator = self._get_paginator()
        return isinstance(paginator, (PageNumberPagination, CursorPagination))

    def may_refuse_permission(self) -> bool:
        """Whether a permission class answers 403 (rather than 401, or nothing)."""
        authenticates = bool(self.view.get_authenticators())
        for permission in self.view.get_permissions():
            if isinstance(permission, AllowAny):
                continue
            # Without credentials DRF answers 401 when the view authenticates.
            if isinstance(permission, (IsAuthenticated, IsAuthenticatedOrReadOnly)):
                if authenticates:
                    continue
            elif hasattr(permission, "may_refuse"):
                if not permission.may_refuse(self.method):
                    continue
            return True
        return False

    # How it is documented

    def error_component(self, name: str = "Error") -> dict[str, str]:
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=f"errorkit.{name}",
            schema=ERROR_SCHEMA if name == "Error" else PROBLEM_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return component.ref

    def error_response(
        self, status: int, errors: list[type[ek.APIError]]
    ) -> dict[str, Any]:
        examples = {error.default_code: self.example(error) for error in errors}
        codes = ", ".join(f"`{code}`" for code in examples)
        description = f"{codes}: {examples[errors[0].default_code]['summary']}"
        if status == HostNotServed.status_code and errors[0] is not HostNotServed:
            # The example is the permission's; the host's 403 is said in words.
            description += " " + ek.default_message_of(HostNotServed)
        return {
            "description": description,
            "headers": {
                **HEADERS_BY_STATUS.get(status, {}),
                errorkit_settings.REQUEST_ID_HEADER: REQUEST_ID_HEADER,
            },
            "content": {
                "application/json": {
                    "schema": self.error_component(),
                    "examples": examples,
                },
                "application/problem+json": {
                    "schema": self.error_component("Problem"),
                },
            },
        }

    def example(self, error: type[ek.APIError]) -> dict[str, Any]:
        message = ek.default_message_of(error)
        body: dict[str, Any] = {
            "error": error.default_code,
            "message": message,
            "requestId": EXAMPLE_REQUEST_ID,
        }
        if issubclass(error, ek.RetryableError):
            body["retryAfter"] = ek.whole_seconds(errorkit_settings.DEFAULT_RETRY_AFTER)
        if error is ek.InvalidRequest:
            body["fields"] = EXAMPLE_FIELDS
        return {"summary": message, "value": body}
