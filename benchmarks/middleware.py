"""B1: a successful request through errorkit's middleware and settings,
against the same view in a bare DRF project, in one process.

Both are full Django WSGI handlers, called with a WSGI environ as a server
would call them, behind Django's startproject middleware: errorkit's adds
ErrorkitMiddleware (request id, body limit, the incidents app's body keeper)
and errorkit's JSON parser. GET returns a small list; POST sends a 2 KB JSON
body. Goal: at most 1.03x.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest  # noqa: E402
from django.test import override_settings  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    Row,
    alternate,
    micros,
    publish,
    ratios,
    scaled,
)

GOAL = 1.03
ROUNDS, SLICES, PER_SLICE = scaled(15, 5), scaled(20, 10), 50


def two_kb_body() -> bytes:
    # 2 KB of the JSON a client sends: objects of strings, numbers, booleans.
    items = []
    while len(json.dumps({"items": items})) < 2000:
        n = len(items)
        items.append({"name": f"widget {n}", "qty": n, "price": 9.5, "ok": True})
    return json.dumps({"items": items}).encode()


BODY = two_kb_body()


def handler(urlconf: str, middleware: list[str]) -> WSGIHandler:
    class Request(WSGIRequest):
        pass

    Request.urlconf = urlconf  # type: ignore[attr-defined]
    with override_settings(MIDDLEWARE=middleware):
        wsgi = WSGIHandler()
    wsgi.request_class = Request
    return wsgi


def environ(method: str) -> dict:
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/v1/items",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    if method == "POST":
        env.update(
            CONTENT_TYPE="application/json",
            CONTENT_LENGTH=str(len(BODY)),
        )
        env["wsgi.input"] = io.BytesIO(BODY)
    return env


def start_response(status: str, headers: list, exc_info=None) -> None:
    pass


def contender(app: WSGIHandler, method: str, status: str) -> Callable[[int], float]:
    def run(n: int) -> float:
        environs = [environ(method) for _ in range(n)]  # outside the timing
        responses = []

        def check(got: str, headers: list, exc_info=None) -> None:
            responses.append(got)

        started = time.perf_counter()
        for env in environs:
            for _ in app(env, check):
                pass
        spent = time.perf_counter() - started
        assert responses[0] == status, responses[0]
        return spent

    return run


def measure() -> list[Row]:
    bare = handler("benchmarks.urls_bare", list(settings.MIDDLEWARE))
    with_errorkit = handler(
        "benchmarks.urls",
        [settings.MIDDLEWARE[0], "errorkit.middleware.ErrorkitMiddleware"]
        + list(settings.MIDDLEWARE[1:]),
    )
    rows = []
    for method, status, label in (
        ("GET", "200 OK", "GET, small JSON list"),
        ("POST", "201 Created", "POST, 2 KB JSON body"),
    ):
        results = alternate(
            {
                "errorkit": contender(with_errorkit, method, status),
                "bare": contender(bare, method, status),
            },
            ROUNDS,
            SLICES,
            PER_SLICE,
        )
        rows.append(
            Row(
                "B1",
                f"successful request: {label}",
                "the same view, bare DRF",
                ratios(results, "errorkit", "bare"),
                GOAL,
                detail=f"errorkit {micros(results['errorkit'])}, "
                f"bare {micros(results['bare'])} per request",
            )
        )
    return rows


def main() -> None:
    rows = measure()
    for row in rows:
        print(f"  {row.what}: {row.detail}")
    publish(rows)


if __name__ == "__main__":
    main()
