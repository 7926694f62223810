"""The requests the demo's tests make of it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.helpers import assert_error, post_json

__all__ = ["assert_error", "balance_of", "funded_and_broke", "post_job"]

ECHO_JOB = {"model": "demo-echo", "input": 1}


def post_job(client: Any, body: Any = None, *, key: str | None = None, **extra: Any):
    """POST /v1/jobs (an echo job by default)."""
    body = ECHO_JOB if body is None else body
    return post_json(client, "/v1/jobs", body, key, **extra)


def funded_and_broke(users: Any, name: str, balance: str = "10.00") -> tuple[str, str]:
    """API keys of a caller with ``balance`` and of one with none."""
    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key

    user = users.objects.create(username=name)
    add_funds(user, balance)
    broke = users.objects.create(username=f"{name}-broke")
    return create_key(user)[1], create_key(broke)[1]


def balance_of(user: Any) -> Decimal:
    """The settled balance (the public funds_of; holds already posted in)."""
    from errorkit.billing.funds import funds_of

    return funds_of(user).settled
