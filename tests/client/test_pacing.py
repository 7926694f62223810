"""errorkit.client.pacing: the ``RateLimit`` header read as errorkit writes
it, and a call held back while a policy of its endpoint has nothing left,
instead of earning a 429; never past the call's deadline, and not at all
with ``pace=False``."""

from __future__ import annotations

import types

import httpx
import pytest

from errorkit.client import RateLimitError, RetryPolicy
from errorkit.client.calls import Call
from errorkit.client.pacing import EndpointMemory, PolicyState, policies_of

from .fakes import Server, error, make, ok


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"tasks";r=0;t=3', [PolicyState("tasks", 0, 3)]),
        (
            '"burst";r=4;t=1, "daily";r=990;t=86400',
            [PolicyState("burst", 4, 1), PolicyState("daily", 990, 86400)],
        ),
        ("tasks;r=2;t=5", [PolicyState("tasks", 2, 5)]),  # a token, not a string
        ('"a";t=3;r=1;q=100', [PolicyState("a", 1, 3)]),  # any order, extras
        ('"big";r=0;t=999999999999', [PolicyState("big", 0, 999999999999)]),
        ('"a";r=0', []),  # no reset: nothing to pace by
        ('"a";t=3', []),
        ('"a"', []),
        ('"a";r=-1;t=3', []),
        ('"a";r=0;t=1e9', []),
        ('"a";r=0;t=9999999999999', []),  # beyond any sane reset
        ("limit=100, remaining=0, reset=3", []),  # another draft's form
        ("garbage", []),
        ("", []),
        (None, []),
        (  # what it cannot read is left out, the rest is still read
            '"ok";r=1;t=2, rubbish;;, "b";r=0;t=9',
            [PolicyState("ok", 1, 2), PolicyState("b", 0, 9)],
        ),
    ],
)
def test_the_ratelimit_header_is_read_as_errorkit_writes_it(header, expected):
    assert policies_of(header) == expected


def limited(seconds: int, name: str = "p") -> httpx.Response:
    """A success that leaves the endpoint's policy with nothing left."""
    return ok(201, RateLimit=f'"{name}";r=0;t={seconds}')


def test_a_call_waits_while_its_endpoint_has_nothing_left():
    server = Server(limited(1), ok(201))
    api = make(server)
    api.post("/v1/tasks", json={})
    api.post("/v1/tasks", json={})
    # The second call was sent no sooner than the policy reset (a lower
    # bound only: how much later it went is the machine's business).
    assert server.gaps()[0] >= 0.99


def sleeps_of(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's sleeps before sending, recorded instead of slept."""
    import errorkit.client.clients as clients

    slept: list[float] = []
    monkeypatch.setattr(
        clients, "time", types.SimpleNamespace(sleep=slept.append), raising=True
    )
    return slept


def test_pace_false_sends_at_once(monkeypatch):
    slept = sleeps_of(monkeypatch)
    server = Server(limited(30), ok(201))
    api = make(server, pace=False)
    api.post("/v1/tasks", json={})
    assert api.post("/v1/tasks", json={}).status_code == 201
    assert slept == [] and len(server.seen) == 2


def test_a_wait_longer_than_what_is_left_of_the_deadline_is_not_slept(monkeypatch):
    # The server's 429 then says how long, and the caller hears it at once.
    slept = sleeps_of(monkeypatch)
    server = Server(limited(30), error(429, "rate_limit_exceeded", 30))
    api = make(server, deadline=5)
    api.post("/v1/tasks", json={})
    with pytest.raises(RateLimitError) as caught:
        api.post("/v1/tasks", json={})
    assert caught.value.attempts == 1
    assert slept == [] and len(server.seen) == 2


def test_a_wait_within_the_deadline_is_slept_before_sending(monkeypatch):
    slept = sleeps_of(monkeypatch)
    server = Server(limited(30), ok(201))
    api = make(server, deadline=60)
    api.post("/v1/tasks", json={})
    api.post("/v1/tasks", json={})
    (wait,) = slept
    assert 28 < wait <= 30


def test_only_the_endpoints_of_an_exhausted_policy_wait(monkeypatch):
    slept = sleeps_of(monkeypatch)
    server = Server(limited(30, "tasks"), ok(), ok(201, RateLimit='"tasks";r=5;t=30'))
    api = make(server)
    api.post("/v1/tasks", json={})
    api.get("/v1/account")  # never said it had a policy: sent at once
    assert slept == []
    api.post("/v1/tasks", json={})  # waits, and learns calls are left
    api.post("/v1/tasks", json={})
    assert len(slept) == 1


def call_to(memory: EndpointMemory, deadline: float, pace: bool = True) -> Call:
    return Call.make(
        "POST",
        "/v1/tasks?x=1",
        json=None,
        params=None,
        headers=None,
        idempotency_key=None,
        idempotent=None,
        policy=RetryPolicy(deadline=deadline, pace=pace),
        timeout=30.0,
        memory=memory,
    )


def test_the_pause_is_the_reset_bounded_by_the_deadline():
    memory = EndpointMemory()
    memory.learn(
        ("POST", "/v1/tasks"),
        httpx.Response(201, headers={"RateLimit": '"p";r=0;t=20'}),
    )
    assert 18 < call_to(memory, deadline=60).pause() <= 20
    assert call_to(memory, deadline=10).pause() == 0.0
    assert call_to(memory, deadline=60, pace=False).pause() == 0.0
