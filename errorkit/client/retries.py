"""When a call is tried again, and after how long: the errors page's rules, on
tenacity, made safe for writes to any API.

Never retried: 400, 401, 402, 403, 404, 405, 406, 413, 415, 422, which only a
changed request or account can fix.

Retried whatever the method, because the server did not run the call: 429,
a 503 with the contract's JSON body (the API itself said it is unavailable),
a connection refused or timed out before the request was sent, and a 409
with ``Retry-After`` (the same Idempotency-Key still running).

Retried only when running the call twice is harmless: 500, 502, any other
503, and an answer lost after the request was sent (reset, read timeout).
That is a safe method (GET, HEAD, OPTIONS), or an unsafe one (POST, PUT,
PATCH, DELETE) to an endpoint that honours the call's Idempotency-Key: one
that said ``Idempotency-Supported: true`` on an answer this client has seen
(errorkit's ``idempotent`` says it on every answer), or a call made with
``idempotent=True``. Otherwise the error is raised after one attempt: the
server may have written, and a retry could write again.

The wait is exponential backoff with full jitter, never shorter than what the
server asked (``retryAfter`` or ``Retry-After``); no wait goes past the
caller's deadline, and no more than ``attempts`` tries are made: then the
last error is raised.

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

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Answers after which the call may have run: retried only when a repeat is
# harmless.
MAYBE_RAN = frozenset({500, 502, 503})


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
    told of each retry before its wait (logging, metrics, tests); ``pace``:
    hold a call back while a rate-limit policy of its endpoint has nothing
    left (``RateLimit: "name";r=0;t=3``), within the deadline, instead of
    earning a 429 (False: send at once)."""

    deadline: float = 60.0
    attempts: int = 8
    backoff: float = 0.5
    max_backoff: float = 30.0
    on_retry: Callable[[RetryEvent], None] | None = None
    pace: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1.")
        if self.deadline <= 0 or self.backoff < 0 or self.max_backoff < 0:
            raise ValueError("deadline must be positive, backoffs not negative.")

    def tenacity(self, retryable: Callable[[BaseException], bool]) -> dict[str, Any]:
        """The keyword arguments of tenacity's Retrying / AsyncRetrying, for a
        call whose errors ``retryable`` judges."""
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


def retryable(error: BaseException, *, repeat_is_harmless: bool) -> bool:
    """Whether ``error`` is retried; ``repeat_is_harmless``: the call is safe,
    or its endpoint honours its Idempotency-Key."""
    if isinstance(error, APIConnectionError):
        return not error.sent or repeat_is_harmless
    if isinstance(error, APIStatusError):
        status = error.status_code
        if status == 429:
            return True
        if status == 409:
            return error.retry_after is not None
        if status == 503 and error.error:
            return True  # the API's own 503: it did not run the call
        return status in MAYBE_RAN and repeat_is_harmless
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
