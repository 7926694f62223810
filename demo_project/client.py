"""The demo API's client: its calls as typed methods, on errorkit.client's
generic clients (which bring the typed errors, retries, idempotency keys and
pacing).

    with DemoClient(api_key="sk_...") as demo:
        job = demo.create_job("demo-echo", {"text": "hi"})
        print(job.output, job.cost, job.info.request_id)

``AsyncDemoClient`` is the same for asyncio. Any other path is still a plain
``request``/``get``/``post`` away, as on ``errorkit.client.Client``.

From a shell (the demo's own commands; ``errorkit-client METHOD PATH`` calls
any path of it too):

    python -m demo_project.client [--base-url URL] [--api-key KEY]
                                  [--deadline S] COMMAND

Commands: ``models``, ``model ID``, ``job MODEL [--input JSON]
[--idempotency-key KEY]``, ``get-job ID``, ``balance``. The key defaults to
``$ERRORKIT_API_KEY``, the base URL to ``$ERRORKIT_BASE_URL`` or the demo's.
A result is printed as JSON; a failure prints what to tell a person, the
error and its request id on stderr, and exits 1 (2 for a bad command line).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from errorkit.client import (
    APIError,
    AsyncClient,
    Client,
    Response,
    ResponseInfo,
    RetryPolicy,
    UnexpectedResponseError,
)

T = TypeVar("T")

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


# What the calls return, each with what its response said (``info``).


def money(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"Not an amount of money: {value!r}") from exc


@dataclass(frozen=True)
class Model:
    id: str
    price: Decimal
    info: ResponseInfo

    @classmethod
    def of(cls, data: dict[str, Any], info: ResponseInfo) -> Model:
        return cls(id=str(data["id"]), price=money(data["price"]), info=info)


@dataclass(frozen=True)
class Job:
    id: str
    model: str
    status: str
    output: Any
    cost: Decimal
    info: ResponseInfo

    @classmethod
    def of(cls, data: dict[str, Any], info: ResponseInfo) -> Job:
        return cls(
            id=str(data["id"]),
            model=str(data["model"]),
            status=str(data["status"]),
            output=data.get("output"),
            cost=money(data["cost"]),
            info=info,
        )


@dataclass(frozen=True)
class Balance:
    balance: Decimal  # what the account can spend now
    held: Decimal  # reserved by jobs still running
    currency: str
    info: ResponseInfo

    @classmethod
    def of(cls, data: dict[str, Any], info: ResponseInfo) -> Balance:
        return cls(
            balance=money(data["balance"]),
            held=money(data["held"]),
            currency=str(data["currency"]),
            info=info,
        )


def models_of(data: dict[str, Any], info: ResponseInfo) -> list[Model]:
    return [Model.of(item, info) for item in data["data"]]


# The calls, described once for both clients (sans I/O).


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    read: Callable[[Any, ResponseInfo], T]
    json: Any = None
    idempotency_key: str | None = None
    # The demo documents that POST /v1/jobs honours Idempotency-Key, so a job
    # lost to a 5xx or a cut connection is retried from the client's first
    # call on, before any answer has announced it.
    idempotent: bool | None = None

    def kwargs(self) -> dict[str, Any]:
        return {
            "json": self.json,
            "idempotency_key": self.idempotency_key,
            "idempotent": self.idempotent,
        }

    def result(self, response: Response) -> T:
        """The typed result, or UnexpectedResponseError when the success's
        body is not what the call returns (a proxy's page, another API)."""
        try:
            return self.read(response.json(), response.info)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            error = UnexpectedResponseError(
                f"{self.method} {self.path} answered {response.status_code} "
                f"without the expected body ({type(exc).__name__}).",
                request_id=response.info.request_id,
                response=response.http,
            )
            error.attempts = response.info.attempts
            raise error from exc


def segment(value: str) -> str:
    """One path segment: an id with '/' or '?' stays one segment."""
    return quote(str(value), safe="")


def models_call() -> Call[list[Model]]:
    return Call("GET", "/v1/models", models_of)


def model_call(model_id: str) -> Call[Model]:
    return Call("GET", f"/v1/models/{segment(model_id)}", Model.of)


def create_job_call(
    model: str, input: Any = None, idempotency_key: str | None = None
) -> Call[Job]:
    return Call(
        "POST",
        "/v1/jobs",
        Job.of,
        json={"model": model, "input": input},
        idempotency_key=idempotency_key,
        idempotent=True,
    )


def job_call(job_id: str) -> Call[Job]:
    return Call("GET", f"/v1/jobs/{segment(job_id)}", Job.of)


def balance_call() -> Call[Balance]:
    return Call("GET", "/v1/balance", Balance.of)


# The clients.


class DemoClient(Client):
    """``DemoClient(base_url, api_key=...)``, and errorkit.client.Client's
    keywords (``retry``, ``timeout``, ``transport``)."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, api_key=api_key, **kwargs)

    def call(self, call: Call[T]) -> T:
        return call.result(self.request(call.method, call.path, **call.kwargs()))

    def models(self) -> list[Model]:
        return self.call(models_call())

    def model(self, model_id: str) -> Model:
        return self.call(model_call(model_id))

    def create_job(
        self, model: str, input: Any = None, *, idempotency_key: str | None = None
    ) -> Job:
        return self.call(create_job_call(model, input, idempotency_key))

    def job(self, job_id: str) -> Job:
        return self.call(job_call(job_id))

    def balance(self) -> Balance:
        return self.call(balance_call())

    def __enter__(self) -> DemoClient:
        return self


class AsyncDemoClient(AsyncClient):
    """The same client for asyncio: every call is awaited."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(base_url, api_key=api_key, **kwargs)

    async def call(self, call: Call[T]) -> T:
        response = await self.request(call.method, call.path, **call.kwargs())
        return call.result(response)

    async def models(self) -> list[Model]:
        return await self.call(models_call())

    async def model(self, model_id: str) -> Model:
        return await self.call(model_call(model_id))

    async def create_job(
        self, model: str, input: Any = None, *, idempotency_key: str | None = None
    ) -> Job:
        return await self.call(create_job_call(model, input, idempotency_key))

    async def job(self, job_id: str) -> Job:
        return await self.call(job_call(job_id))

    async def balance(self) -> Balance:
        return await self.call(balance_call())

    async def __aenter__(self) -> AsyncDemoClient:
        return self


# The command line.

PROG = "python -m demo_project.client"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Call the demo API.")
    p.add_argument(
        "--base-url", default=os.environ.get("ERRORKIT_BASE_URL", DEFAULT_BASE_URL)
    )
    p.add_argument("--api-key", default=os.environ.get("ERRORKIT_API_KEY"))
    p.add_argument(
        "--deadline", type=float, default=60.0, help="seconds, retries included"
    )
    commands = p.add_subparsers(dest="command", required=True)
    commands.add_parser("models", help="list the models")
    commands.add_parser("model", help="one model").add_argument("id")
    job = commands.add_parser("job", help="run a job")
    job.add_argument("model")
    job.add_argument("--input", default="null", help="any JSON (default null)")
    job.add_argument("--idempotency-key")
    commands.add_parser("get-job", help="one job").add_argument("id")
    commands.add_parser("balance", help="the account's balance")
    return p


def call_of(args: argparse.Namespace) -> Call[Any]:
    """The command's call; ValueError for a bad --input."""
    if args.command == "models":
        return models_call()
    if args.command == "model":
        return model_call(args.id)
    if args.command == "job":
        try:
            data = json.loads(args.input)
        except ValueError as exc:
            raise ValueError(f"--input is not JSON: {exc}") from None
        return create_job_call(args.model, data, args.idempotency_key)
    if args.command == "get-job":
        return job_call(args.id)
    return balance_call()


def as_json(value: Any) -> Any:
    """A result as JSON: its fields and its info, amounts as strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: as_json(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.deadline <= 0:
            raise ValueError("--deadline must be positive")
        call = call_of(args)
        client = DemoClient(
            args.base_url,
            api_key=args.api_key,
            retry=RetryPolicy(deadline=args.deadline),
        )
    except ValueError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    with client:
        try:
            result = client.call(call)
        except APIError as error:
            print(error.user_message, file=sys.stderr)
            print(f"error: {error}", file=sys.stderr)
            print(f"request id: {error.request_id or '-'}", file=sys.stderr)
            return 1
    print(json.dumps(as_json(result), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
