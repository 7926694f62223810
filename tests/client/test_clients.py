"""errorkit.client's Client and AsyncClient: built from the API's address
and a key, refusing what they cannot send, and the same rules in async."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from errorkit import client
from errorkit.client import RetryPolicy

from .fakes import BASE_URL, Server, announced, error, lost, make, make_async, ok


@pytest.mark.parametrize(
    "bad",
    ["sk_live_abc", "api.test", "ftp://api.test", "http://", "", "sk_live_\x00abc"],
)
def test_a_base_url_that_is_not_an_http_address_is_refused_without_echoing_it(bad):
    with pytest.raises(ValueError) as caught:
        client.Client(bad)
    message = str(caught.value)
    assert "base_url" in message and "https://api.example.com" in message
    assert not bad or bad not in message


def test_the_old_order_key_then_address_is_a_type_error_that_says_what_to_do():
    with pytest.raises(TypeError, match="pass the key as api_key=") as caught:
        client.Client("sk_x", "http://h")  # type: ignore[misc]
    assert "sk_x" not in str(caught.value)


@pytest.mark.parametrize("key", ["sk_live_1\n", " sk_live_1", "sk live", "sk_é", 7])
def test_a_key_that_is_no_header_value_is_refused_without_echoing_it(key):
    with pytest.raises(ValueError, match=r"\.strip\(\)") as caught:
        client.Client(BASE_URL, api_key=key)
    assert str(key).strip() not in str(caught.value)


def test_a_header_that_cannot_be_sent_is_a_value_error_without_its_value():
    # A real socket (the backlog takes the connection): httpx's HTTP/1.1
    # writer is what refuses the header, as it would against a real server.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        api = client.Client(f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=3))
        with pytest.raises(ValueError, match="not valid HTTP") as caught:
            api.get("/v1/x", headers={"X-Token": "secret\nvalue"})
    assert "secret" not in str(caught.value) and caught.value.__suppress_context__


@pytest.mark.parametrize("key", ["", "k" * 256, "clé", "a\nb"])
def test_an_idempotency_key_the_server_would_refuse_is_refused_here(key):
    server = Server(ok(201))
    with pytest.raises(ValueError, match="1-255 printable ASCII"):
        make(server).post("/v1/tasks", json={}, idempotency_key=key or "\x00")
    assert server.seen == []


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.test/steal",
        "https://api.test/v1/x",  # another scheme: another origin
        "http://api.test:8080/v1/x",
        "//elsewhere.test/v1/x",
    ],
)
def test_an_absolute_url_on_another_server_is_refused_so_the_key_stays(url):
    server = Server(ok())
    api = client.Client(
        BASE_URL, api_key="sk_live_1", transport=httpx.MockTransport(server)
    )
    with pytest.raises(ValueError, match="no other server"):
        api.get(url)
    assert server.seen == []


def test_an_absolute_url_on_the_apis_own_server_is_followed():
    server = Server(ok())
    api = client.Client(
        BASE_URL, api_key="sk_live_1", transport=httpx.MockTransport(server)
    )
    api.get("http://api.test/v1/tasks?page=2")
    assert str(server.requests[0].url) == "http://api.test/v1/tasks?page=2"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"retry": 5}, "retry must be a RetryPolicy"),
        ({"timeout": "5"}, "timeout must be a positive number"),
        ({"timeout": float("nan")}, "timeout must be a positive number"),
        ({"timeout": True}, "timeout must be a positive number"),
    ],
)
def test_bad_options_are_refused_with_what_to_pass(option, message):
    with pytest.raises((TypeError, ValueError), match=message):
        client.Client(BASE_URL, **option)


def test_no_answer_names_the_address_tried_without_its_query():
    server = Server(httpx.ConnectError("refused"))
    api = make(server, attempts=1)
    with pytest.raises(client.APIConnectionError) as caught:
        api.get("/v1/tasks?token=abc")
    assert "http://api.test/v1/tasks" in str(caught.value)
    assert "abc" not in str(caught.value)


def test_address_and_key_by_keyword():
    server = Server(ok())
    api = client.Client(
        base_url=BASE_URL, api_key="sk_live_1", transport=httpx.MockTransport(server)
    )
    with api:
        api.get("/v1/account")
    (request,) = server.requests
    assert request.headers["Authorization"] == "Bearer sk_live_1"
    assert request.headers["Accept"] == "application/json"
    assert str(request.url) == "http://api.test/v1/account"


def test_no_key_sends_no_authorization():
    server = Server(ok())
    client.Client(BASE_URL, transport=httpx.MockTransport(server)).get("/v1/status")
    assert "Authorization" not in server.requests[0].headers


def test_a_base_url_with_a_path_prefix_keeps_it():
    server = Server(ok())
    api = client.Client(
        "https://api.example.com/v2/", transport=httpx.MockTransport(server)
    )
    api.get("tasks")
    assert str(server.requests[0].url) == "https://api.example.com/v2/tasks"


@pytest.mark.parametrize("method", ["FETCH", "", None, 7])
def test_a_bad_method_is_refused_before_sending(method):
    server = Server(ok())
    with pytest.raises(ValueError, match="method must be one of"):
        make(server).request(method, "/v1/tasks")  # type: ignore[arg-type]
    assert server.seen == []


@pytest.mark.parametrize("path", ["", None, b"/v1"])
def test_a_bad_path_is_refused_before_sending(path):
    server = Server(ok())
    with pytest.raises(ValueError, match="path must be"):
        make(server).request("GET", path)  # type: ignore[arg-type]
    assert server.seen == []


def test_the_method_may_be_lower_case():
    server = Server(ok(201))
    make(server).request("post", "/v1/tasks", json={})
    assert server.requests[0].method == "POST" and server.keys[0]


def test_a_bad_timeout_is_refused():
    with pytest.raises(ValueError):
        client.Client(BASE_URL, timeout=0)


def test_the_async_client_repeats_a_write_only_where_harmless():
    plain = Server(error(500), ok(201))
    said = Server(announced(error(500)), ok(201))
    lost_once = Server(lost, ok(201))

    async def run() -> None:
        async with make_async(plain) as api:
            with pytest.raises(client.InternalServerError):
                await api.post("/v1/tasks", json={})
        async with make_async(said) as api:
            assert (await api.post("/v1/tasks", json={})).info.attempts == 2
        async with make_async(lost_once) as api:
            response = await api.post("/v1/tasks", json={}, idempotent=True)
            assert response.info.attempts == 2

    asyncio.run(run())
    assert len(plain.seen) == 1
    assert len(said.seen) == 2 and said.keys[0] == said.keys[1]
    assert lost_once.keys[0] == lost_once.keys[1]


def test_the_async_shortcuts_send_their_method():
    server = Server(ok())

    async def run() -> None:
        async with make_async(server) as api:
            await api.get("/v1/x")
            await api.post("/v1/x")
            await api.put("/v1/x")
            await api.patch("/v1/x")
            await api.delete("/v1/x")

    asyncio.run(run())
    assert [r.method for r in server.requests] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    ]
    assert server.keys[0] is None and all(server.keys[1:])


def test_the_sync_shortcuts_send_their_method():
    server = Server(ok())
    with make(server) as api:
        for send in (api.get, api.post, api.put, api.patch, api.delete):
            send("/v1/x")
    assert [r.method for r in server.requests] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    ]
