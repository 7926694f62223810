"""One call, described once for both clients (sans I/O): what each attempt
sends, how long it may take, whether its error is retried, and what its
answer is."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import APIConnectionError, error_from_response
from .pacing import EndpointMemory
from .responses import Response
from .retries import SAFE_METHODS, RetryPolicy, retryable

# No connection was made: the request never left, whatever its method.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]{1,255}")
# Every method a call may use (the command line offers these too).
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
_METHODS = frozenset(METHODS)


def endpoint_of(method: str, path: str) -> tuple[str, str]:
    """What the client remembers answers by: the method and the path without
    its query."""
    return method, path.split("?", 1)[0].split("#", 1)[0]


@dataclass
class Call:
    method: str
    path: str
    json: Any
    params: Any
    headers: dict[str, str]
    # The caller's word on whether the endpoint honours Idempotency-Key
    # (None: as this client has learned).
    idempotent: bool | None
    policy: RetryPolicy
    timeout: float
    memory: EndpointMemory
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def make(
        cls,
        method: str,
        path: str,
        *,
        json: Any,
        params: Any,
        headers: Mapping[str, str] | None,
        idempotency_key: str | None,
        idempotent: bool | None,
        policy: RetryPolicy,
        timeout: float,
        memory: EndpointMemory,
    ) -> Call:
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise ValueError(
                f"method must be one of {', '.join(sorted(_METHODS))}, not {method!r}."
            )
        method = method.upper()
        sent = dict(headers or {})
        if method not in SAFE_METHODS:
            # Made once per call, the same on every retry of it: a server
            # that honours it runs the call once however often it arrives.
            given = next(
                (v for k, v in sent.items() if k.lower() == "idempotency-key"), None
            )
            sent = {k: v for k, v in sent.items() if k.lower() != "idempotency-key"}
            key = idempotency_key or given or str(uuid.uuid4())
            if not isinstance(key, str) or _IDEMPOTENCY_KEY.fullmatch(key) is None:
                raise ValueError(
                    "idempotency_key must be 1-255 printable ASCII characters."
                )
            sent["Idempotency-Key"] = key
        return cls(
            method, path, json, params, sent, idempotent, policy, timeout, memory
        )

    @property
    def endpoint(self) -> tuple[str, str]:
        return endpoint_of(self.method, self.path)

    def left(self) -> float:
        return self.policy.deadline - (time.monotonic() - self.started)

    def attempt_timeout(self) -> float:
        """The client's timeout, cut to what is left of the call's deadline,
        so that a server that never answers cannot hold the call past it."""
        return max(min(self.timeout, self.left()), 0.05)

    def pause(self) -> float:
        """Seconds to hold the attempt back: a rate-limit policy of the
        endpoint has nothing left until then. 0 when pacing is off, or
        the wait would end past the deadline (the server's 429 says so then)."""
        if not self.policy.pace:
            return 0.0
        wait = self.memory.wait_before(self.endpoint)
        return wait if 0.0 < wait < self.left() else 0.0

    def repeat_is_harmless(self) -> bool:
        if self.method in SAFE_METHODS:
            return True
        if self.idempotent is not None:
            return self.idempotent
        return self.memory.honours_key(self.endpoint)

    def retryable(self, error: BaseException) -> bool:
        return retryable(error, repeat_is_harmless=self.repeat_is_harmless())

    def request_kwargs(self) -> dict[str, Any]:
        return {
            "json": self.json,
            "params": self.params,
            "headers": self.headers,
            "timeout": self.attempt_timeout(),
        }

    def answer(self, http: httpx.Response, attempt: int) -> Response:
        """The attempt's answer: a Response, or its typed error raised."""
        self.memory.learn(self.endpoint, http)
        if http.status_code >= 400:
            error = error_from_response(http)
            error.attempts = attempt
            raise error
        return Response(http, attempt)

    def lost(self, exc: httpx.TransportError, attempt: int) -> APIConnectionError:
        """No answer to the attempt, as APIConnectionError."""
        sent = not isinstance(exc, NOT_SENT)
        error = APIConnectionError(
            f"No answer from {where(exc)}: {type(exc).__name__}: {exc}".rstrip(": "),
            sent=sent,
        )
        error.attempts = attempt
        return error


def where(exc: httpx.TransportError) -> str:
    """The address the call went to, without its query."""
    try:
        return str(exc.request.url.copy_with(query=None, fragment=None))
    except RuntimeError:  # httpx raised it before the request was made
        return "the server"
