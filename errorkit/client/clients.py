"""errorkit.client's clients, sync and async: any API that follows errorkit's
contract, with the demo API's calls as typed methods.

A call raises the typed error of ``errorkit.client.errors`` for a failure, and
retries what the errors page says to retry (``errorkit.client.retries``). An
unsafe call (POST, PUT, PATCH, DELETE) carries an ``Idempotency-Key``,
generated once per call unless given, and the same on every retry of it, so
that a retry never charges twice.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, Retrying

from . import calls
from .errors import APIConnectionError, APIError, error_from_response
from .results import Balance, Job, Model
from .retries import RetryPolicy

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _headers(api_key: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


def _idempotency(method: str, idempotency_key: str | None) -> dict[str, str]:
    """The Idempotency-Key header of an unsafe call: made once per call, the
    same on every retry of it."""
    if method.upper() in SAFE_METHODS:
        return {}
    return {"Idempotency-Key": idempotency_key or str(uuid.uuid4())}


@contextmanager
def _typed(attempt: int) -> Iterator[None]:
    """httpx's transport failures as APIConnectionError; every error told
    which attempt it ended."""
    try:
        yield
    except httpx.TransportError as exc:
        error = APIConnectionError(
            f"No answer from the server: {type(exc).__name__}: {exc}".rstrip(": ")
        )
        error.attempts = attempt
        raise error from exc
    except APIError as exc:
        exc.attempts = attempt
        raise


def _checked(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise error_from_response(response)
    return response


class _Base:
    """What both clients are made of: the retry policy and httpx's client
    (``transport``: httpx's, for a proxy or a test server)."""

    http_class: type[httpx.Client] | type[httpx.AsyncClient]

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: Any = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.http: Any = self.http_class(
            base_url=base_url,
            headers=_headers(api_key),
            timeout=timeout,
            transport=transport,
        )

    def _timeout(self, started: float) -> float:
        """One attempt's timeout: the client's, cut to what is left of the
        call's deadline, so that a server that never answers cannot hold the
        call past it."""
        left = self.retry.deadline - (time.monotonic() - started)
        return max(min(self.timeout, left), 0.05)


class Client(_Base):
    """A synchronous client. ``Client(api_key, base_url=...)``; use it as a
    context manager, or ``close()`` it."""

    http_class = httpx.Client

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> tuple[httpx.Response, int]:
        """Send one call, retried as the policy says; (response, attempts)."""
        headers = _idempotency(method, idempotency_key)
        started = time.monotonic()
        for attempt in Retrying(**self.retry.tenacity()):
            with attempt:
                number = attempt.retry_state.attempt_number
                with _typed(number):
                    response = self.http.request(
                        method,
                        path,
                        json=json,
                        headers=headers,
                        timeout=self._timeout(started),
                    )
                    return _checked(response), number
        raise AssertionError("unreachable: tenacity returns or raises")

    def call(self, call: calls.Call[T]) -> T:
        response, attempts = self.request(
            call.method,
            call.path,
            json=call.json,
            idempotency_key=call.idempotency_key,
        )
        return call.result(response, attempts)

    def models(self) -> list[Model]:
        return self.call(calls.models())

    def model(self, model_id: str) -> Model:
        return self.call(calls.model(model_id))

    def create_job(
        self, model: str, input: Any = None, *, idempotency_key: str | None = None
    ) -> Job:
        return self.call(calls.create_job(model, input, idempotency_key))

    def job(self, job_id: str) -> Job:
        return self.call(calls.job(job_id))

    def balance(self) -> Balance:
        return self.call(calls.balance())

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(_Base):
    """The same client for asyncio: every call is awaited."""

    http_class = httpx.AsyncClient

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> tuple[httpx.Response, int]:
        headers = _idempotency(method, idempotency_key)
        started = time.monotonic()
        async for attempt in AsyncRetrying(**self.retry.tenacity()):
            with attempt:
                number = attempt.retry_state.attempt_number
                with _typed(number):
                    response = await self.http.request(
                        method,
                        path,
                        json=json,
                        headers=headers,
                        timeout=self._timeout(started),
                    )
                    return _checked(response), number
        raise AssertionError("unreachable: tenacity returns or raises")

    async def call(self, call: calls.Call[T]) -> T:
        response, attempts = await self.request(
            call.method,
            call.path,
            json=call.json,
            idempotency_key=call.idempotency_key,
        )
        return call.result(response, attempts)

    async def models(self) -> list[Model]:
        return await self.call(calls.models())

    async def model(self, model_id: str) -> Model:
        return await self.call(calls.model(model_id))

    async def create_job(
        self, model: str, input: Any = None, *, idempotency_key: str | None = None
    ) -> Job:
        return await self.call(calls.create_job(model, input, idempotency_key))

    async def job(self, job_id: str) -> Job:
        return await self.call(calls.job(job_id))

    async def balance(self) -> Balance:
        return await self.call(calls.balance())

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
