"""errorkit.client's retries, at the transport: what is retried and what is
not, waits never shorter than the server asked, the caller's deadline, one
Idempotency-Key per call, and replays reported. Answers come from an
httpx.MockTransport playing the server; a refused connection is a real one."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise

import httpx
import pytest

from errorkit import client
from errorkit.client import RetryPolicy

JOB = {
    "id": "job_1",
    "model": "demo-echo",
    "status": "succeeded",
    "output": 1,
    "cost": "0.01",
}


class Server:
    """Answers in turn from a script; records what each request carried and when."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[float, httpx.Request]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((time.monotonic(), request))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    @property
    def keys(self) -> list[str | None]:
        return [r.headers.get("Idempotency-Key") for _, r in self.seen]

    def gaps(self) -> list[float]:
        times = [t for t, _ in self.seen]
        return [b - a for a, b in pairwise(times)]


def error(status: int, code: str = "x", retry_after: float | None = None, **headers):
    body = {"error": code, "message": "m", "requestId": f"r{status}"}
    if retry_after is not None:
        body["retryAfter"] = retry_after
    return httpx.Response(status, json=body, headers=headers)


def make(server: Server, **policy) -> client.Client:
    policy.setdefault("backoff", 0.01)
    return client.Client(
        "sk_test",
        "http://api.test",
        transport=httpx.MockTransport(server),
        retry=RetryPolicy(**policy),
    )


def test_a_429_is_retried_no_sooner_than_retry_after():
    server = Server(error(429, "rate_limit_exceeded", 1), httpx.Response(201, json=JOB))
    events = []
    job = make(server, on_retry=events.append).create_job("demo-echo", 1)
    assert job.id == "job_1" and job.info.attempts == 2
    assert server.gaps()[0] >= 1.0
    (event,) = events
    assert event.wait >= 1.0 and isinstance(event.error, client.RateLimitError)


def test_an_http_date_retry_after_is_honoured():
    when = datetime.now(timezone.utc) + timedelta(seconds=2)
    server = Server(
        httpx.Response(
            503,
            text="busy",
            headers={"Retry-After": format_datetime(when, usegmt=True)},
        ),
        httpx.Response(
            200, json={"balance": "1.00", "held": "0.00", "currency": "USD"}
        ),
    )
    assert make(server).balance().balance == 1
    assert server.gaps()[0] >= 0.9  # the date has whole seconds


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 405, 406, 413, 415, 422])
def test_what_only_a_changed_request_can_fix_is_never_retried(status):
    server = Server(error(status))
    with pytest.raises(client.APIStatusError) as caught:
        make(server).create_job("demo-echo")
    assert len(server.seen) == 1 and caught.value.attempts == 1
    assert caught.value.status_code == status


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_until_attempts_run_out(status):
    server = Server(error(status))
    with pytest.raises(client.APIStatusError) as caught:
        make(server, attempts=3).models()
    assert len(server.seen) == 3 and caught.value.attempts == 3


def test_a_409_is_retried_only_after_its_retry_after():
    server = Server(
        error(409, "idempotency_conflict", **{"Retry-After": "1"}),
        httpx.Response(201, json=JOB),
    )
    make(server).create_job("demo-echo")
    assert len(server.seen) == 2 and server.gaps()[0] >= 1.0
    without = Server(error(409, "idempotency_conflict"))
    with pytest.raises(client.ConflictError):
        make(without).create_job("demo-echo")
    assert len(without.seen) == 1


def test_no_wait_runs_past_the_deadline():
    server = Server(error(503, "service_unavailable", 30))
    started = time.monotonic()
    with pytest.raises(client.ServiceUnavailableError) as caught:
        make(server, deadline=5).create_job("demo-echo")
    assert time.monotonic() - started < 1 and len(server.seen) == 1
    assert caught.value.retry_after == 30


def test_backoff_is_full_jitter_within_its_ceiling():
    server = Server(error(500))
    events = []
    with pytest.raises(client.InternalServerError):
        make(
            server, attempts=5, backoff=0.02, max_backoff=0.05, on_retry=events.append
        ).models()
    ceilings = [min(0.05, 0.02 * 2**n) for n in range(4)]
    assert [0 <= e.wait <= c for e, c in zip(events, ceilings, strict=True)] == [
        True
    ] * 4


def test_one_idempotency_key_per_call_the_same_on_every_retry():
    server = Server(error(502), error(500), httpx.Response(201, json=JOB))
    api = make(server)
    api.create_job("demo-echo")
    first = server.keys
    assert len(first) == 3 and len(set(first)) == 1 and first[0]
    api.create_job("demo-echo")
    assert server.keys[3] != first[0]
    api.create_job("demo-echo", idempotency_key="mine-1")
    assert server.keys[-1] == "mine-1"
    listing = Server(httpx.Response(200, json={"data": []}))
    make(listing).models()
    assert listing.keys == [None]  # a safe call carries none


def test_a_replay_is_reported_as_such():
    server = Server(
        httpx.Response(
            201,
            json=JOB,
            headers={
                "Idempotent-Replayed": "true",
                "Original-Request-ID": "first-1",
                "X-Request-ID": "second-2",
            },
        )
    )
    info = make(server).create_job("demo-echo", idempotency_key="k").info
    assert (info.replayed, info.original_request_id, info.request_id) == (
        True,
        "first-1",
        "second-2",
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on leaving: nothing listens


def test_a_refused_connection_is_retried_then_raised_with_what_to_say():
    api = client.Client(
        "sk_test",
        f"http://127.0.0.1:{closed_port()}",
        retry=RetryPolicy(attempts=3, backoff=0.01),
    )
    with pytest.raises(client.APIConnectionError) as caught:
        api.balance()
    assert caught.value.attempts == 3 and caught.value.status_code is None
    assert "ConnectError" in str(caught.value)
    assert caught.value.user_message.startswith("Could not reach the service")


def test_the_async_client_follows_the_same_rules():
    server = Server(error(429, "rate_limit_exceeded", 1), httpx.Response(201, json=JOB))
    refused = Server(error(402, "insufficient_balance"))

    async def run():
        async with client.AsyncClient(
            "sk", "http://api.test", transport=httpx.MockTransport(server)
        ) as api:
            job = await api.create_job("demo-echo")
        async with client.AsyncClient(
            "sk", "http://api.test", transport=httpx.MockTransport(refused)
        ) as api:
            with pytest.raises(client.InsufficientBalanceError):
                await api.create_job("demo-echo")
        return job

    job = asyncio.run(run())
    assert job.info.attempts == 2 and server.gaps()[0] >= 1.0
    assert len(set(server.keys)) == 1 and len(refused.seen) == 1


def test_a_bad_policy_is_refused():
    for bad in ({"attempts": 0}, {"deadline": 0}, {"backoff": -1}):
        with pytest.raises(ValueError):
            RetryPolicy(**bad)


def test_a_success_that_is_not_what_the_call_returns_is_a_clear_error():
    server = Server(
        httpx.Response(
            200, json={"unexpected": True}, headers={"X-Request-ID": "odd-1"}
        )
    )
    with pytest.raises(client.UnexpectedResponseError) as caught:
        make(server).models()
    assert caught.value.request_id == "odd-1" and caught.value.status_code == 200
    assert "GET /v1/models" in str(caught.value)


def test_a_server_that_never_answers_cannot_hold_the_call_past_its_deadline():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        api = client.Client(
            "sk", f"http://127.0.0.1:{port}", retry=RetryPolicy(deadline=1.0)
        )
        started = time.monotonic()
        with pytest.raises(client.APIConnectionError) as caught:
            api.balance()
        elapsed = time.monotonic() - started
    assert elapsed < 2.0 and "Timeout" in str(caught.value)
