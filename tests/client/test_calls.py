"""The retry rule per method and answer, counted at the fake server: a write
that may have run is repeated only where the repeat is harmless (the
endpoint said ``Idempotency-Supported: true``, now or before, or the caller
said ``idempotent=True``), and always with the call's one Idempotency-Key."""

from __future__ import annotations

import json

import httpx
import pytest

from errorkit import client

from .fakes import Server, announced, error, lost, make, ok, refused

# An HTML 503 from a proxy: not the API's own, so the call may have run.
PROXY_503 = httpx.Response(
    503, text="<html>busy</html>", headers={"Content-Type": "text/html"}
)


def test_a_post_answered_500_without_the_announcement_is_not_repeated():
    server = Server(error(500), ok(201))
    with pytest.raises(client.InternalServerError) as caught:
        make(server).post("/v1/tasks", json={"kind": "echo"})
    assert len(server.seen) == 1 and caught.value.attempts == 1


def test_a_post_whose_500_announces_idempotency_is_repeated_with_the_same_key():
    server = Server(announced(error(500)), ok(201))
    response = make(server).post("/v1/tasks", json={"kind": "echo"})
    assert response.status_code == 201 and response.info.attempts == 2
    assert len(server.seen) == 2
    assert server.keys[0] and server.keys[0] == server.keys[1]


def test_a_post_learns_the_announcement_from_an_earlier_answer():
    server = Server(announced(ok(201)), error(500), ok(201))
    api = make(server)
    api.post("/v1/tasks", json={})
    # The second call's 500 does not say it, the first answer did.
    assert api.post("/v1/tasks", json={}).info.attempts == 2
    assert server.keys[1] == server.keys[2] != server.keys[0]


def test_what_is_learned_is_per_method_and_path_without_the_query():
    server = Server(announced(ok(201)), error(500))
    api = make(server, attempts=2)
    api.post("/v1/tasks?from=a", json={})
    with pytest.raises(client.InternalServerError):
        api.post("/v1/orders", json={})  # another path: not learned
    assert len(server.seen) == 2
    with pytest.raises(client.InternalServerError):
        api.put("/v1/tasks", json={})  # another method: not learned
    assert len(server.seen) == 3
    with pytest.raises(client.InternalServerError):
        make(server, attempts=2).post("/v1/tasks?from=b", json={})
    assert len(server.seen) == 4  # another client has learned nothing
    with pytest.raises(client.InternalServerError) as caught:
        api.post("/v1/tasks?from=b", json={}, idempotent=None)
    assert caught.value.attempts == 2  # the same endpoint: retried


def test_an_answer_without_the_announcement_does_not_unlearn_it():
    # A proxy's 502, a 401 answered before the endpoint ran: no header.
    server = Server(announced(ok(201)), ok(201), error(502), ok(201))
    api = make(server)
    api.post("/v1/tasks", json={})
    api.post("/v1/tasks", json={})
    assert api.post("/v1/tasks", json={}).info.attempts == 2


def test_idempotent_true_allows_a_repeat_the_server_did_not_announce():
    server = Server(error(500), error(502), ok(201))
    response = make(server).post("/v1/tasks", json={}, idempotent=True)
    assert response.info.attempts == 3 and len(set(server.keys)) == 1


def test_idempotent_false_forbids_repeating_a_write_that_may_have_run():
    server = Server(announced(error(500)), ok(201))
    with pytest.raises(client.InternalServerError) as caught:
        make(server).post("/v1/tasks", json={}, idempotent=False)
    assert len(server.seen) == 1 and caught.value.attempts == 1
    # And what was not run is still retried: the word is about repeats only.
    limited = Server(error(429, "rate_limit_exceeded", 0), ok(201))
    make(limited).post("/v1/tasks", json={}, idempotent=False)
    assert len(limited.seen) == 2


@pytest.mark.parametrize("status", [500, 502])
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_a_safe_method_is_repeated_after_a_server_error(method, status):
    server = Server(error(status), ok())
    assert make(server).request(method, "/v1/tasks").info.attempts == 2
    assert server.keys == [None, None]  # a safe call carries no key


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_an_unsafe_method_is_not_repeated_after_a_500(method):
    server = Server(error(500), ok())
    with pytest.raises(client.InternalServerError):
        make(server).request(method, "/v1/tasks/t_1", json={})
    assert len(server.seen) == 1


def test_a_post_answered_429_is_repeated():
    server = Server(error(429, "rate_limit_exceeded", 0), ok(201))
    assert make(server).post("/v1/tasks", json={}).info.attempts == 2
    assert len(set(server.keys)) == 1


def test_a_post_answered_the_apis_own_503_is_repeated_a_proxys_is_not():
    server = Server(error(503, "service_unavailable", 0), ok(201))
    assert make(server).post("/v1/tasks", json={}).info.attempts == 2
    proxy = Server(PROXY_503, ok(201))
    with pytest.raises(client.ServiceUnavailableError) as caught:
        make(proxy).post("/v1/tasks", json={})
    assert len(proxy.seen) == 1 and caught.value.error == ""
    read = Server(PROXY_503, ok())
    assert make(read).get("/v1/tasks").info.attempts == 2


def test_a_post_whose_connection_was_refused_is_repeated():
    server = Server(refused, ok(201))
    assert make(server).post("/v1/tasks", json={}).info.attempts == 2
    assert len(set(server.keys)) == 1
    never = Server(refused)
    with pytest.raises(client.APIConnectionError) as caught:
        make(never, attempts=3).post("/v1/tasks", json={})
    assert caught.value.sent is False and caught.value.attempts == 3


def test_a_post_whose_answer_was_lost_is_not_repeated_unless_announced():
    server = Server(lost, ok(201))
    with pytest.raises(client.APIConnectionError) as caught:
        make(server).post("/v1/tasks", json={})
    assert caught.value.sent is True and caught.value.attempts == 1
    assert len(server.seen) == 1
    assert "ReadTimeout" in str(caught.value)
    # Once the endpoint has said it honours the key, the same loss is retried.
    learned = Server(announced(ok(201)), lost, ok(201))
    api = make(learned)
    api.post("/v1/tasks", json={})
    assert api.post("/v1/tasks", json={}).info.attempts == 2
    assert learned.keys[1] == learned.keys[2]


def test_a_read_whose_answer_was_lost_is_repeated():
    server = Server(lost, ok())
    assert make(server).get("/v1/tasks").info.attempts == 2


def test_a_409_with_retry_after_is_repeated_without_it_is_not():
    conflict = error(409, "idempotency_conflict", **{"Retry-After": "0"})
    server = Server(conflict, ok(201))
    assert make(server).post("/v1/tasks", json={}).info.attempts == 2
    assert server.keys[0] == server.keys[1]
    without = Server(error(409, "idempotency_conflict"), ok(201))
    with pytest.raises(client.ConflictError):
        make(without).post("/v1/tasks", json={}, idempotent=True)
    assert len(without.seen) == 1


@pytest.mark.parametrize("status", [400, 401, 402, 404, 422])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_refusal_is_never_repeated_even_where_repeats_are_harmless(method, status):
    server = Server(announced(error(status)), ok())
    with pytest.raises(client.APIStatusError) as caught:
        make(server).request(method, "/v1/tasks", idempotent=True)
    assert len(server.seen) == 1 and caught.value.attempts == 1
    assert caught.value.status_code == status


# The Idempotency-Key.


def test_each_call_has_its_own_key_and_every_unsafe_method_one():
    server = Server(ok(201))
    api = make(server)
    for method in ("POST", "POST", "PUT", "PATCH", "DELETE"):
        api.request(method, "/v1/tasks/t_1", json={})
    keys = server.keys
    assert all(keys) and len(set(keys)) == 5


def test_a_key_the_caller_gives_is_sent_on_every_attempt():
    server = Server(error(429, "rate_limit_exceeded", 0), ok(201))
    make(server).post("/v1/tasks", json={}, idempotency_key="order-42")
    assert server.keys == ["order-42", "order-42"]


def test_a_key_given_as_a_header_is_respected_in_any_case():
    server = Server(ok(201))
    make(server).post("/v1/tasks", json={}, headers={"idempotency-key": "h-1"})
    (request,) = server.requests
    assert request.headers.get_list("Idempotency-Key") == ["h-1"]


def test_a_get_carries_no_key():
    server = Server(ok())
    make(server).get("/v1/tasks", params={"limit": 1})
    (request,) = server.requests
    assert "Idempotency-Key" not in request.headers
    assert request.url.params["limit"] == "1"


def test_a_call_sends_its_body_and_headers():
    server = Server(ok(201))
    make(server).post("/v1/tasks", json={"kind": "echo"}, headers={"X-Trace": "t1"})
    (request,) = server.requests
    assert request.method == "POST" and request.url.path == "/v1/tasks"
    assert json.loads(request.read()) == {"kind": "echo"}
    assert request.headers["X-Trace"] == "t1"
    assert request.headers["Content-Type"] == "application/json"
