"""A fake errorkit API for the client's tests: an httpx.MockTransport that
answers from a script and records every request it was sent, and when."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import httpx

from errorkit import client
from errorkit.client import RetryPolicy

BASE_URL = "http://api.test"
ANNOUNCED = {"Idempotency-Supported": "true"}

# One step of the script: an answer, an exception to raise as the transport
# would (no answer), or a function of the request making either.
Answer = httpx.Response | Exception | Callable[[httpx.Request], Any]


class Server:
    """Answers in turn from a script (the last answer repeats); records what
    each request carried and the monotonic time it was sent."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[float, httpx.Request]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((time.monotonic(), request))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, Exception):
            raise answer
        # A fresh copy each time: a repeated answer's body is read again.
        return httpx.Response(
            answer.status_code, headers=answer.headers, content=answer.content
        )

    @property
    def requests(self) -> list[httpx.Request]:
        return [request for _, request in self.seen]

    @property
    def keys(self) -> list[str | None]:
        return [r.headers.get("Idempotency-Key") for r in self.requests]

    def gaps(self) -> list[float]:
        times = [t for t, _ in self.seen]
        return [b - a for a, b in pairwise(times)]


def error(
    status: int,
    code: str = "x",
    retry_after: float | None = None,
    **headers: str,
) -> httpx.Response:
    """errorkit's error body for ``status``."""
    body: dict[str, Any] = {"error": code, "message": "m", "requestId": f"r{status}"}
    if retry_after is not None:
        body["retryAfter"] = retry_after
    return httpx.Response(status, json=body, headers=headers)


def announced(response: httpx.Response) -> httpx.Response:
    """``response`` as an idempotent endpoint of errorkit answers it."""
    return httpx.Response(
        response.status_code,
        headers={**response.headers, **ANNOUNCED},
        content=response.content,
    )


def ok(status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"id": "t_1"}, headers=headers)


def refused(request: httpx.Request) -> Exception:
    """No connection made: the request never left."""
    return httpx.ConnectError("Connection refused", request=request)


def lost(request: httpx.Request) -> Exception:
    """Sent, then no answer in time: the server may have run it."""
    return httpx.ReadTimeout("timed out", request=request)


def make(server: Server, **policy: Any) -> client.Client:
    """A client of ``server`` with short backoffs."""
    policy.setdefault("backoff", 0.01)
    return client.Client(
        BASE_URL,
        api_key="sk_test",
        transport=httpx.MockTransport(server),
        retry=RetryPolicy(**policy),
    )


def make_async(server: Server, **policy: Any) -> client.AsyncClient:
    policy.setdefault("backoff", 0.01)
    return client.AsyncClient(
        BASE_URL,
        api_key="sk_test",
        transport=httpx.MockTransport(server),
        retry=RetryPolicy(**policy),
    )
