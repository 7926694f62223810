"""errorkit.client.retries: which errors are retried (``retryable``), waits
never shorter than the server asked, full jitter within its ceiling, the
caller's deadline and attempts, and each retry told to ``on_retry``. Answers
come from an httpx.MockTransport playing the server (tests.client.fakes); a
refused connection and a silent server are real sockets."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from tenacity import Retrying

from errorkit import client
from errorkit.client import RetryPolicy
from errorkit.client.errors import APIConnectionError, error_from_response
from errorkit.client.retries import retryable

from .fakes import Server, error, make, make_async, ok

NEVER_RETRIED = [400, 401, 402, 403, 404, 405, 406, 413, 415, 422]


def status_error(status: int, **headers: str) -> client.APIStatusError:
    return error_from_response(error(status, **headers))


# The rule itself: retryable(error, repeat_is_harmless=...).


@pytest.mark.parametrize("harmless", [True, False])
@pytest.mark.parametrize("status", NEVER_RETRIED)
def test_what_only_a_changed_request_can_fix_is_never_retryable(status, harmless):
    assert not retryable(status_error(status), repeat_is_harmless=harmless)


@pytest.mark.parametrize("harmless", [True, False])
def test_what_the_server_did_not_run_is_retryable_whatever_the_call(harmless):
    not_run = [
        status_error(429),
        status_error(409, **{"Retry-After": "1"}),
        status_error(503),  # the contract's body: the API itself said so
        APIConnectionError("refused", sent=False),
    ]
    for each in not_run:
        assert retryable(each, repeat_is_harmless=harmless), each


@pytest.mark.parametrize(
    "maybe_ran",
    [
        status_error(500),
        status_error(502),
        error_from_response(httpx.Response(503, text="<html>busy</html>")),
        APIConnectionError("reset", sent=True),
    ],
    ids=["500", "502", "503-html", "lost-after-sending"],
)
def test_what_may_have_run_is_retryable_only_when_a_repeat_is_harmless(maybe_ran):
    assert retryable(maybe_ran, repeat_is_harmless=True)
    assert not retryable(maybe_ran, repeat_is_harmless=False)


def test_a_409_without_retry_after_and_other_exceptions_are_not_retryable():
    assert not retryable(status_error(409), repeat_is_harmless=True)
    assert not retryable(ValueError("a bug"), repeat_is_harmless=True)


def test_the_policy_drives_tenacity_for_any_judge():
    # RetryPolicy.tenacity(judge) is tenacity's arguments for a call whose
    # errors ``judge`` decides: the client's loop, usable on its own.
    failures = [status_error(500), status_error(502)]
    events: list[client.RetryEvent] = []
    policy = RetryPolicy(backoff=0.01, on_retry=events.append)
    judge = lambda e: retryable(e, repeat_is_harmless=True)  # noqa: E731
    for attempt in Retrying(**policy.tenacity(judge)):
        with attempt:
            if failures:
                raise failures.pop(0)
    assert attempt.retry_state.attempt_number == 3
    assert [e.error.status_code for e in events] == [500, 502]
    refused = Retrying(**policy.tenacity(lambda e: False))
    with pytest.raises(client.InternalServerError):  # reraised, not RetryError
        for attempt in refused:
            with attempt:
                raise status_error(500)


def test_a_bad_policy_is_refused():
    for bad in ({"attempts": 0}, {"deadline": 0}, {"backoff": -1}):
        with pytest.raises(ValueError):
            RetryPolicy(**bad)


# Waits, attempts and the deadline, through a client.


def test_a_429_is_retried_no_sooner_than_retry_after():
    server = Server(error(429, "rate_limit_exceeded", 1), ok(201))
    events: list[client.RetryEvent] = []
    response = make(server, on_retry=events.append).post("/v1/tasks", json={})
    assert response.status_code == 201 and response.info.attempts == 2
    assert server.gaps()[0] >= 1.0
    (event,) = events
    assert event.wait >= 1.0 and event.attempt == 1
    assert isinstance(event.error, client.RateLimitError)


def test_an_http_date_retry_after_is_honoured():
    when = datetime.now(timezone.utc) + timedelta(seconds=2)
    server = Server(
        error(503, **{"Retry-After": format_datetime(when, usegmt=True)}), ok()
    )
    assert make(server).get("/v1/account").status_code == 200
    assert server.gaps()[0] >= 0.9  # the date has whole seconds


def test_full_jitter_never_waits_less_than_the_servers_retry_after():
    # Backoff's ceiling (0.01 s) is far below what the server asked: each
    # wait is the server's, never the jitter's.
    server = Server(error(429, "rate_limit_exceeded", 0.3))
    events: list[client.RetryEvent] = []
    with pytest.raises(client.RateLimitError) as caught:
        make(server, attempts=3, on_retry=events.append).get("/v1/tasks")
    assert caught.value.attempts == 3 and len(server.seen) == 3
    assert [e.wait >= 0.3 for e in events] == [True, True]
    assert all(gap >= 0.3 for gap in server.gaps())


@pytest.mark.parametrize("status", NEVER_RETRIED)
def test_an_error_only_a_changed_request_can_fix_is_raised_at_once(status):
    server = Server(error(status))
    with pytest.raises(client.APIStatusError) as caught:
        make(server).get("/v1/tasks")
    assert len(server.seen) == 1 and caught.value.attempts == 1
    assert caught.value.status_code == status


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_read_is_retried_until_attempts_run_out(status):
    server = Server(error(status))
    events: list[client.RetryEvent] = []
    with pytest.raises(client.APIStatusError) as caught:
        make(server, attempts=3, on_retry=events.append).get("/v1/tasks")
    assert len(server.seen) == 3 and caught.value.attempts == 3
    assert [e.attempt for e in events] == [1, 2]
    assert [e.elapsed >= 0 for e in events] == [True, True]


def test_a_409_is_retried_only_after_its_retry_after():
    server = Server(error(409, "idempotency_conflict", **{"Retry-After": "1"}), ok(201))
    make(server).post("/v1/tasks", json={})
    assert len(server.seen) == 2 and server.gaps()[0] >= 1.0
    assert len(set(server.keys)) == 1  # the same call, the same key
    without = Server(error(409, "idempotency_conflict"))
    with pytest.raises(client.ConflictError):
        make(without).post("/v1/tasks", json={})
    assert len(without.seen) == 1


def test_no_wait_runs_past_the_deadline():
    # The server asks for 30 s, the caller gives the call 5: no retry is
    # scheduled, the error is raised after the one attempt.
    server = Server(error(503, "service_unavailable", 30))
    events: list[client.RetryEvent] = []
    with pytest.raises(client.ServiceUnavailableError) as caught:
        make(server, deadline=5, on_retry=events.append).post("/v1/tasks")
    assert len(server.seen) == 1 and events == []
    assert caught.value.retry_after == 30 and caught.value.attempts == 1


def test_backoff_is_full_jitter_within_its_ceiling():
    server = Server(error(500))
    events: list[client.RetryEvent] = []
    with pytest.raises(client.InternalServerError):
        make(
            server, attempts=5, backoff=0.02, max_backoff=0.05, on_retry=events.append
        ).get("/v1/tasks")
    ceilings = [min(0.05, 0.02 * 2**n) for n in range(4)]
    assert [0 <= e.wait <= c for e, c in zip(events, ceilings, strict=True)] == [
        True
    ] * 4


def test_each_attempt_may_take_no_longer_than_what_is_left_of_the_deadline():
    # httpx passes each attempt's timeout to the transport: the client's 30 s
    # are cut to the call's 2 s deadline.
    server = Server(ok())
    api = client.Client(
        "http://api.test",
        timeout=30.0,
        transport=httpx.MockTransport(server),
        retry=RetryPolicy(deadline=2.0),
    )
    api.get("/v1/account")
    timeouts = server.requests[0].extensions["timeout"]
    assert 0 < timeouts["read"] <= 2.0 and 0 < timeouts["connect"] <= 2.0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on leaving: nothing listens


def test_a_refused_connection_is_retried_then_raised_with_what_to_say():
    api = client.Client(
        f"http://127.0.0.1:{closed_port()}",
        retry=RetryPolicy(attempts=3, backoff=0.01),
    )
    with pytest.raises(client.APIConnectionError) as caught:
        api.post("/v1/tasks", json={})  # a write too: it never left
    assert caught.value.attempts == 3 and caught.value.status_code is None
    assert caught.value.sent is False
    assert "ConnectError" in str(caught.value)
    assert caught.value.user_message.startswith("Could not reach the service")


def test_a_server_that_never_answers_cannot_hold_the_call_past_its_deadline():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        api = client.Client(
            f"http://127.0.0.1:{port}", timeout=30.0, retry=RetryPolicy(deadline=1.0)
        )
        started = time.monotonic()
        with pytest.raises(client.APIConnectionError) as caught:
            api.get("/v1/account")
        elapsed = time.monotonic() - started
    # Not a speed test: the client's own timeout (30 s) would be far longer.
    assert elapsed < 15 and "Timeout" in str(caught.value)
    assert caught.value.sent is True


def test_the_async_client_follows_the_same_rules():
    server = Server(error(429, "rate_limit_exceeded", 1), ok(201))
    refused = Server(error(402, "insufficient_balance"))

    async def run() -> client.Response:
        async with make_async(server) as api:
            response = await api.post("/v1/tasks", json={})
        async with make_async(refused) as api:
            with pytest.raises(client.InsufficientBalanceError):
                await api.post("/v1/tasks", json={})
        return response

    response = asyncio.run(run())
    assert response.info.attempts == 2 and server.gaps()[0] >= 1.0
    assert len(set(server.keys)) == 1 and len(refused.seen) == 1
