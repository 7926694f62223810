"""When a call is tried again, and after how long: the errors page's rules, on
tenacity.

Retried: 429, 500, 502, 503 and no answer at all (refused, reset, timed out);
a 409 (the same Idempotency-Key still running) only once its ``Retry-After``
has passed. Never: 400, 401, 402, 403, 404, 405, 406, 413, 415, 422, which
only a changed request or account can fix. The wait is exponential backoff
with full jitter, never shorter than what the server asked (``retryAfter`` or
``Retry-After``); no wait goes past the caller's deadline, and no more than
``attempts`` tries are made: then the last error is raised.

tenacity, rather than a loop written here: it has the pieces exactly
(``wait_random_exponential`` is full jitter, ``stop_before_delay`` refuses a
sleep that would end past the deadline, sync and async alike). stamina wraps
tenacity with additive jitter and a deadline it checks only after sleeping;
httpx-retries retries inside the transport, where the typed errors and the
409 rule cannot be seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenacity import (
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from .errors import APIConnectionError, APIError, APIStatusError

RETRY_STATUSES = frozenset({429, 500, 502, 503})


@dataclass(frozen=True)
class RetryEvent:
    """One retry about to happen: after ``error``, sleep ``wait`` seconds."""

    attempt: int  # the attempt that failed, from 1
    error: APIError
    wait: float
    elapsed: float  # seconds since the call's first attempt


@dataclass(frozen=True)
class RetryPolicy:
    """How a client retries. ``deadline``: seconds for the whole call, waits
    included; ``attempts``: tries in all (1: never retry); ``backoff`` and
    ``max_backoff``: the first wait's ceiling and the largest one (full jitter
    draws between 0 and ``min(max_backoff, backoff * 2 ** n)``); ``on_retry``:
    told of each retry before its wait (logging, metrics, tests)."""

    deadline: float = 60.0
    attempts: int = 8
    backoff: float = 0.5
    max_backoff: float = 30.0
    on_retry: Callable[[RetryEvent], None] | None = None

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1.")
        if self.deadline <= 0 or self.backoff < 0 or self.max_backoff < 0:
            raise ValueError("deadline must be positive, backoffs not negative.")

    def tenacity(self) -> dict[str, Any]:
        """The keyword arguments of tenacity's Retrying / AsyncRetrying."""
        return {
            "retry": retry_if_exception(retryable),
            "wait": ServerHintOrJitter(self),
            "stop": stop_after_attempt(self.attempts)
            | stop_before_delay(self.deadline),
            "before_sleep": self._tell,
            "reraise": True,
        }

    def _tell(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if self.on_retry is not None and isinstance(error, APIError):
            self.on_retry(
                RetryEvent(
                    attempt=state.attempt_number,
                    error=error,
                    wait=state.upcoming_sleep,
                    elapsed=state.seconds_since_start or 0.0,
                )
            )


def retryable(error: BaseException) -> bool:
    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, APIStatusError):
        status = error.status_code
        if status == 409:
            return error.retry_after is not None
        return status in RETRY_STATUSES
    return False


class ServerHintOrJitter:
    """Full-jitter exponential backoff, never below the server's hint."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.jitter = wait_random_exponential(
            multiplier=policy.backoff, max=policy.max_backoff
        )

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        hint = getattr(error, "retry_after", None) or 0.0
        return max(float(self.jitter(state)), hint)
