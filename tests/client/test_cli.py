"""errorkit-client, the CLI (errorkit.client.__main__.main): any method and
path of any errorkit API, against a real local HTTP server playing the API.
It prints the body on stdout; a failure's text for a person and its request
id on stderr, exit 1; a bad command line exits 2."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from errorkit.client.__main__ import main


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "text/plain"
        if self.body is None:
            return b"", "application/json"
        return json.dumps(self.body).encode(), "application/json"


class FakeAPI:
    """Answers in turn from a script (the last answer repeats) and records
    each request it was sent."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply(200, {})]
        self.seen: list[Seen] = []
        self.url = ""

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def handler_for(api: FakeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            url = urlsplit(self.path)
            api.seen.append(
                Seen(
                    self.command,
                    url.path,
                    parse_qs(url.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
            )
            reply = api.next_reply()
            content, kind = reply.content()
            self.send_response(reply.status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test reads what the CLI prints

    return Handler


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAPI]:
    """A fake API on a free local port, named by $ERRORKIT_BASE_URL."""
    fake = FakeAPI()
    server = HTTPServer(("127.0.0.1", 0), handler_for(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll: shutdown() waits for it.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    monkeypatch.setenv("ERRORKIT_BASE_URL", fake.url)
    monkeypatch.delenv("ERRORKIT_API_KEY", raising=False)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_success_prints_the_body_as_json(api, capsys, monkeypatch):
    monkeypatch.setenv("ERRORKIT_API_KEY", "sk_from_env")
    api.script(Reply(200, {"id": "t_1", "cost": "0.25"}, {"X-Request-ID": "rid-1"}))
    assert main(["get", "/v1/tasks/t_1"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"id": "t_1", "cost": "0.25"}
    assert "200 request id: rid-1" in err
    (seen,) = api.seen
    assert (seen.method, seen.path) == ("GET", "/v1/tasks/t_1")
    assert seen.headers["authorization"] == "Bearer sk_from_env"
    assert "idempotency-key" not in seen.headers


def test_a_write_sends_its_body_query_headers_and_key(api, capsys):
    api.script(Reply(201, {"id": "t_2"}))
    code = main(
        [
            "POST",
            "/v1/tasks",
            "--json",
            '{"kind": "echo", "payload": [1, "é"]}',
            "--param",
            "a=b",
            "--param",
            "c=d=e",
            "--header",
            "X-Trace: t 1",
            "--idempotency-key",
            "order-42",
            "--api-key",
            "sk_flag",
        ]
    )
    assert code == 0, capsys.readouterr().err
    (seen,) = api.seen
    assert seen.method == "POST"
    assert json.loads(seen.body) == {"kind": "echo", "payload": [1, "é"]}
    assert seen.query == {"a": ["b"], "c": ["d=e"]}
    assert seen.headers["x-trace"] == "t 1"
    assert seen.headers["idempotency-key"] == "order-42"
    assert seen.headers["authorization"] == "Bearer sk_flag"


def test_a_write_without_a_key_gets_one(api):
    api.script(Reply(201, {}))
    assert main(["PUT", "/v1/tasks/t_1", "--json", "{}"]) == 0
    assert api.seen[0].headers["idempotency-key"]


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_base_url_on_the_command_line_wins_over_the_environment(api, monkeypatch):
    monkeypatch.setenv("ERRORKIT_BASE_URL", closed_port_url())
    assert main(["--base-url", api.url, "GET", "/v1/account"]) == 0
    assert len(api.seen) == 1


def test_no_base_url_is_a_usage_error_that_says_what_to_do(monkeypatch, capsys):
    monkeypatch.delenv("ERRORKIT_BASE_URL", raising=False)
    assert main(["GET", "/v1/account"]) == 2
    assert "give --base-url or set ERRORKIT_BASE_URL" in capsys.readouterr().err


def test_a_base_url_that_is_not_an_address_is_a_usage_error(api, capsys):
    assert main(["--base-url", "sk_live_secret", "GET", "/v1/account"]) == 2
    err = capsys.readouterr().err
    assert "base_url" in err and "sk_live_secret" not in err
    assert api.seen == []


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["POST", "/v1/tasks", "--json", "{oops"], "--json is not JSON"),
        (["GET", "/v1/tasks", "--param", "novalue"], "--param 'novalue'"),
        (["GET", "/v1/tasks", "--header", "NoColon"], "--header 'NoColon'"),
        (["GET", "/v1/tasks", "--deadline", "0"], "--deadline must be positive"),
    ],
)
def test_a_bad_command_line_exits_2_before_calling(api, capsys, argv, said):
    assert main(argv) == 2
    assert said in capsys.readouterr().err
    assert api.seen == []


def test_an_unknown_method_is_refused_by_the_parser(api, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["FETCH", "/v1/tasks"])
    assert caught.value.code == 2
    assert "METHOD" in capsys.readouterr().err


def test_an_error_answer_exits_1_with_what_to_tell_a_person(api, capsys):
    body = {
        "error": "insufficient_balance",
        "message": "Insufficient balance.",
        "requestId": "req-402",
    }
    api.script(Reply(402, body, {"X-Request-ID": "req-402"}))
    assert main(["POST", "/v1/tasks", "--json", "{}"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Add funds to your account to continue." in err
    assert "402 insufficient_balance: Insufficient balance." in err
    assert "request id: req-402" in err
    assert len(api.seen) == 1


def test_no_answer_exits_1_saying_to_check_the_connection(monkeypatch, capsys):
    url = closed_port_url()
    assert main(["--base-url", url, "--deadline", "0.5", "GET", "/v1/account"]) == 1
    err = capsys.readouterr().err
    assert "Could not reach the service" in err and "request id: -" in err


def test_idempotent_lets_a_write_be_retried_after_a_500(api):
    api.script(Reply(500, {"error": "internal_error", "message": "m"}), Reply(201, {}))
    assert main(["POST", "/v1/tasks", "--json", "{}", "--idempotent"]) == 0
    keys = [seen.headers["idempotency-key"] for seen in api.seen]
    assert len(keys) == 2 and keys[0] == keys[1]


def test_a_write_is_retried_where_the_api_announces_it_unless_told_not_to(api):
    crash = Reply(
        500,
        {"error": "internal_error", "message": "m"},
        {"Idempotency-Supported": "true"},
    )
    api.script(crash, Reply(201, {}))
    assert main(["POST", "/v1/tasks", "--json", "{}"]) == 0
    assert len(api.seen) == 2
    api.seen.clear()
    api.script(crash, Reply(201, {}))
    assert main(["POST", "/v1/tasks", "--json", "{}", "--not-idempotent"]) == 1
    assert len(api.seen) == 1


def test_a_replay_says_which_request_ran(api, capsys):
    headers = {
        "X-Request-ID": "second-2",
        "Idempotent-Replayed": "true",
        "Original-Request-ID": "first-1",
    }
    api.script(Reply(201, {"id": "t_1"}, headers))
    assert main(["POST", "/v1/tasks", "--json", "{}"]) == 0
    assert "replayed from request first-1" in capsys.readouterr().err


def test_a_body_that_is_not_json_is_printed_as_it_is(api, capsys):
    api.script(Reply(200, b"plain words"))
    assert main(["GET", "/v1/status"]) == 0
    assert capsys.readouterr().out == "plain words\n"
