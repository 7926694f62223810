"""The error body: the normalised ``Error`` and the formatter that renders it.

``format_error`` is the default ``ERRORKIT["FORMATTER"]``; a project may point
that setting at its own callable taking an ``Error`` and returning a dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext, ngettext
from rest_framework.settings import api_settings


@dataclass
class Error:
    """Everything the response to one failure says, before it is rendered."""

    status: int
    code: str
    message: str
    request_id: str
    fields: dict[str, list[str]] | None = None
    retry_after: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # Where the caller fixes it, by name (errorkit.error_links).
    links: dict[str, str] = field(default_factory=dict)
    # Groups incidents (errorkit.incidents); never rendered.
    fingerprint: str | None = None


def format_error(error: Error) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.code, "message": error.message}
    if error.retry_after is not None:
        body["retryAfter"] = error.retry_after
    if error.fields is not None:
        body["fields"] = error.fields
    if error.links:
        body["links"] = error.links
    for key, value in error.extra.items():
        body.setdefault(key, value)
    body["requestId"] = error.request_id
    return body


def _is_container(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def _field_path(segments: tuple[str, ...]) -> str:
    # A non-field error belongs to the object that holds it: "items.0", not
    # "items.0.non_field_errors"; only at the top does it keep its own key.
    non_field_keys = {api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS}
    if segments and segments[-1] in non_field_keys:
        segments = segments[:-1]
    if not segments:
        return api_settings.NON_FIELD_ERRORS_KEY
    return ".".join(segments)


def flatten_errors(detail: Any) -> dict[str, list[str]]:
    """Flatten DRF or Django error details to ``{"a.0.b": ["message", ...]}``.

    Iterative, so that thousands of nested errors need no recursion; paths are
    built from segment lists, so index 0 keeps its place ("items.0.name").
    Empty entries (valid items of a list serializer) are skipped.
    """
    flat: dict[str, list[str]] = {}
    stack: list[tuple[tuple[str, ...], Any]] = [((), detail)]
    while stack:
        segments, node = stack.pop()
        if isinstance(node, Mapping):
            children = [(segments + (str(key),), value) for key, value in node.items()]
        elif isinstance(node, (list, tuple)):
            children = []
            for index, value in enumerate(node):
                if _is_container(value):
                    children.append((segments + (str(index),), value))
                else:
                    flat.setdefault(_field_path(segments), []).append(str(value))
        else:
            flat.setdefault(_field_path(segments), []).append(str(node))
            continue
        stack.extend(reversed(children))
    return flat


def validation_message(fields: Mapping[str, list[str]]) -> str:
    """One sentence naming the first problem and how many others there are."""
    total = sum(len(messages) for messages in fields.values())
    if total == 0:
        return gettext("The request is invalid. Check the body and parameters.")
    path, messages = next((p, m) for p, m in fields.items() if m)
    first = messages[0]
    if path != api_settings.NON_FIELD_ERRORS_KEY:
        first = gettext("%(path)s: %(message)s") % {"path": path, "message": first}
    if total == 1:
        return first
    more = ngettext(
        "%(first)s (and %(count)d more error, listed in 'fields')",
        "%(first)s (and %(count)d more errors, listed in 'fields')",
        total - 1,
    )
    return more % {"first": first, "count": total - 1}
