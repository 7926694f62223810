"""errorkit.client's clients, sync and async, for any API that follows
errorkit's error contract.

    with Client("https://api.example.com", api_key="sk_...") as api:
        order = api.post("/v1/orders", json={"sku": "A1"}).data

A call returns a ``Response`` for any status below 400 and raises the typed
error of ``errorkit.client.errors`` for the rest, after the retries
``errorkit.client.retries`` allows. An unsafe call (POST, PUT, PATCH,
DELETE) carries an ``Idempotency-Key``, made once per call unless given, the
same on every retry of it.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx
from tenacity import AsyncRetrying, Retrying

from .calls import Call
from .pacing import EndpointMemory
from .responses import Response
from .retries import RetryPolicy


def checked_base_url(base_url: Any) -> str:
    """``base_url`` if it is an absolute http(s) URL; never echoed, since a
    key passed there by mistake must not reach a log."""
    try:
        url = httpx.URL(base_url) if isinstance(base_url, str) else None
    except httpx.InvalidURL:  # not a ValueError, and its message quotes a part
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            "base_url must be the API's absolute http(s) address, such as "
            "'https://api.example.com'."
        )
    return str(base_url)


# What an HTTP header value may hold, spaces aside: a key read from a file
# with its newline would otherwise fail in httpx with the key in the message.
_KEY = re.compile(r"[\x21-\x7e]+")


def checked_api_key(api_key: Any) -> str | None:
    if api_key is None or api_key == "":
        return None
    if not isinstance(api_key, str) or _KEY.fullmatch(api_key) is None:
        raise ValueError(
            "api_key must be printable ASCII with no spaces or line breaks (a "
            "key read from a file or an environment variable may need .strip())."
        )
    return api_key


def checked_timeout(timeout: Any) -> float:
    number = isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
    if not number or not math.isfinite(timeout) or timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds, such as 30.")
    return float(timeout)


def origin_of(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


UNSENDABLE = (
    "The request could not be sent: a header name or value is not valid HTTP "
    "(printable ASCII, no line breaks)."
)


class _Base:
    """What both clients are made of: the retry policy, what the client has
    learned of each endpoint, and httpx's client (``transport``: httpx's,
    for a proxy or a test server)."""

    http_class: type[httpx.Client] | type[httpx.AsyncClient]

    def __init__(
        self,
        base_url: str,
        *args: Any,
        api_key: str | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: Any = None,
    ) -> None:
        if args:
            raise TypeError(
                f"{type(self).__name__}(base_url, *, api_key=...): the base URL "
                "is the only positional argument; pass the key as api_key=."
            )
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(
                "retry must be a RetryPolicy, such as RetryPolicy(deadline=30)."
            )
        headers = {"Accept": "application/json"}
        key = checked_api_key(api_key)
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        self.retry = retry or RetryPolicy()
        self.timeout = checked_timeout(timeout)
        self.memory = EndpointMemory()
        self.http: Any = self.http_class(
            base_url=checked_base_url(base_url),
            headers=headers,
            timeout=self.timeout,
            transport=transport,
        )

    def checked_path(self, path: Any) -> None:
        """A path of the API. An absolute URL (a ``next`` link) only on
        base_url's own scheme, host and port: the key is sent with every call,
        and must go to no other server."""
        if not isinstance(path, str) or not path:
            raise ValueError("path must be a non-empty string such as '/v1/orders'.")
        if "://" not in path.split("?", 1)[0] and not path.startswith("//"):
            return
        try:
            url = httpx.URL(path)
        except httpx.InvalidURL:
            url = None
        base = self.http.base_url
        if url is None or origin_of(url) != origin_of(base):
            raise ValueError(
                "path must be a path of the API, such as '/v1/orders'; an "
                f"absolute URL only on {base.scheme}://{base.host}, so that the "
                "API key goes to no other server."
            )

    def _call(self, method: str, path: str, **options: Any) -> Call:
        self.checked_path(path)
        return Call.make(
            method,
            path,
            policy=self.retry,
            timeout=self.timeout,
            memory=self.memory,
            **options,
        )


class Client(_Base):
    """A synchronous client: ``Client(base_url, api_key=...)``; use it as a
    context manager, or ``close()`` it."""

    http_class = httpx.Client

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        idempotent: bool | None = None,
    ) -> Response:
        """Send one call, retried as the policy allows. ``idempotent``: True
        when the endpoint honours Idempotency-Key though it does not say so
        (another server), False to never retry an unsafe call that may have
        run; None: as learned from the endpoint's answers."""
        call = self._call(
            method,
            path,
            json=json,
            params=params,
            headers=headers,
            idempotency_key=idempotency_key,
            idempotent=idempotent,
        )
        for attempt in Retrying(**self.retry.tenacity(call.retryable)):
            with attempt:
                number = attempt.retry_state.attempt_number
                pause = call.pause()
                if pause:
                    time.sleep(pause)
                try:
                    http = self.http.request(
                        call.method, call.path, **call.request_kwargs()
                    )
                except httpx.LocalProtocolError:
                    # Never sent; its message would quote the header's value.
                    raise ValueError(UNSENDABLE) from None
                except httpx.TransportError as exc:
                    raise call.lost(exc, number) from exc
                return call.answer(http, number)
        raise AssertionError("unreachable: tenacity returns or raises")

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)

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
        params: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        idempotent: bool | None = None,
    ) -> Response:
        call = self._call(
            method,
            path,
            json=json,
            params=params,
            headers=headers,
            idempotency_key=idempotency_key,
            idempotent=idempotent,
        )
        async for attempt in AsyncRetrying(**self.retry.tenacity(call.retryable)):
            with attempt:
                number = attempt.retry_state.attempt_number
                pause = call.pause()
                if pause:
                    await asyncio.sleep(pause)
                try:
                    http = await self.http.request(
                        call.method, call.path, **call.request_kwargs()
                    )
                except httpx.LocalProtocolError:
                    raise ValueError(UNSENDABLE) from None
                except httpx.TransportError as exc:
                    raise call.lost(exc, number) from exc
                return call.answer(http, number)
        raise AssertionError("unreachable: tenacity returns or raises")

    async def get(self, path: str, **kwargs: Any) -> Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Response:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Response:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Response:
        return await self.request("DELETE", path, **kwargs)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
