"""The demo API's calls, described once for both clients: what to send, and
how to read the answer (sans I/O)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from .errors import UnexpectedResponseError
from .results import Balance, Job, Model, ResponseInfo

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    read: Callable[[Any, ResponseInfo], T]
    json: Any = None
    idempotency_key: str | None = None

    def result(self, response: httpx.Response, attempts: int) -> T:
        try:
            return self.read(response.json(), ResponseInfo.of(response, attempts))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            error = UnexpectedResponseError(
                f"{self.method} {self.path} answered {response.status_code} "
                f"without the expected body ({type(exc).__name__}).",
                request_id=response.headers.get("X-Request-ID", ""),
                response=response,
            )
            error.attempts = attempts
            raise error from exc


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def models() -> Call[list[Model]]:
    return Call(
        "GET",
        "/v1/models",
        lambda data, info: [Model.of(m, info) for m in data["data"]],
    )


def model(model_id: str) -> Call[Model]:
    return Call("GET", f"/v1/models/{_segment(model_id)}", Model.of)


def create_job(
    model: str, input: Any = None, idempotency_key: str | None = None
) -> Call[Job]:
    return Call(
        "POST",
        "/v1/jobs",
        Job.of,
        json={"model": model, "input": input},
        idempotency_key=idempotency_key,
    )


def job(job_id: str) -> Call[Job]:
    return Call("GET", f"/v1/jobs/{_segment(job_id)}", Job.of)


def balance() -> Call[Balance]:
    return Call("GET", "/v1/balance", Balance.of)
