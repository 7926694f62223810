"""What a call returns: the answer's status, headers and parsed body, and
what the call took to get it."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

import httpx

_NO_BODY = object()


@dataclass(frozen=True)
class ResponseInfo:
    """The answer a result came from: its request id (quote it to support),
    whether it was an idempotent replay of an earlier request (and that
    request's id), and how many attempts the call took."""

    status: int
    request_id: str
    replayed: bool
    original_request_id: str
    attempts: int

    @classmethod
    def of(cls, response: httpx.Response, attempts: int) -> ResponseInfo:
        headers = response.headers
        return cls(
            status=response.status_code,
            request_id=headers.get("X-Request-ID", ""),
            replayed=headers.get("Idempotent-Replayed") == "true",
            original_request_id=headers.get("Original-Request-ID", ""),
            attempts=attempts,
        )


class Response:
    """A successful answer (any status below 400).

    ``data`` is the body parsed as JSON, or None when the body is empty or is
    not JSON; ``json()`` parses it and raises ``ValueError`` when it is not
    JSON. ``http`` is httpx's response, for anything else.
    """

    __slots__ = ("http", "info", "_data")

    def __init__(self, http: httpx.Response, attempts: int) -> None:
        self.http = http
        self.info = ResponseInfo.of(http, attempts)
        self._data: Any = _NO_BODY

    @property
    def status_code(self) -> int:
        return self.http.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http.headers

    @property
    def text(self) -> str:
        return self.http.text

    def json(self) -> Any:
        return jsonlib.loads(self.http.content)

    @property
    def data(self) -> Any:
        if self._data is _NO_BODY:
            try:
                self._data = self.json() if self.http.content else None
            except (ValueError, UnicodeDecodeError):
                self._data = None
        return self._data

    def __repr__(self) -> str:
        request = self.http.request
        return (
            f"<Response {request.method} {request.url.path} {self.status_code} "
            f"request {self.info.request_id or '-'}>"
        )
