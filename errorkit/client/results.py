"""What the demo API's calls return, typed; each with what its response said."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx


@dataclass(frozen=True)
class ResponseInfo:
    """The response a result came from: its request id, whether it was an
    idempotent replay of an earlier request (and that one's id), and how many
    attempts the call took."""

    status: int
    request_id: str
    replayed: bool
    original_request_id: str
    attempts: int

    @classmethod
    def of(cls, response: httpx.Response, attempts: int) -> ResponseInfo:
        return cls(
            status=response.status_code,
            request_id=response.headers.get("X-Request-ID", ""),
            replayed=response.headers.get("Idempotent-Replayed") == "true",
            original_request_id=response.headers.get("Original-Request-ID", ""),
            attempts=attempts,
        )


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
