"""The library's test API served for real: a fresh PostgreSQL database,
gunicorn worker processes, and a TCP proxy the test can cut.

Run ``python -m tests.served setup USERNAME BALANCE`` (DATABASE_URL set) to
migrate and print a new API key for a funded user.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
import requests

from tests.services import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent

# Marks the tests that serve ``tests.settings`` (gunicorn, or pytest on a
# fresh PostgreSQL database) in processes of their own: they test the same
# thing whatever their run's settings, so the e-mail user model's run leaves
# them out (``-m "not served"``, tests/runs.py) and every interpreter's
# "all" run runs them.
served = pytest.mark.served


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database's URL, dropped afterwards."""
    import psycopg

    name = f"errorkit_served_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(
    database_url: str, settings: str = "tests.settings", **extra: str
) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, **extra}
    env["DJANGO_SETTINGS_MODULE"] = settings
    return env


def manage(database_url: str, *command: str, **env: str) -> str:
    """``manage.py`` of demo_project on a database; its last line of output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=environment(database_url, "demo_project.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def setup_caller(database_url: str, username: str, balance: str) -> str:
    """Migrate the database and create a funded caller; its API key."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.served", "setup", username, balance],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def pytest_on_fresh_postgres(*paths: str) -> None:
    """Run test files with a new PostgreSQL database as the default one, in a
    subprocess; fail unless every test in them passed (none skipped)."""
    with fresh_postgres() as url:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths],
            cwd=ROOT,
            env=environment(url),
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stdout[-5000:]
    summary = done.stdout.splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary, summary


class Served(str):
    """A served app's base URL, knowing its gunicorn master's pid (whose
    children are the workers)."""

    pid: int

    def kill_workers(self) -> None:
        """SIGKILL every worker, as the OOM killer would; the master starts
        new ones."""
        subprocess.run(["pkill", "-KILL", "-P", str(self.pid)], check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    database_url: str,
    workers: int = 2,
    app: str = "tests.wsgi:application",
    settings: str = "tests.settings",
    **env: str,
) -> Iterator[Served]:
    """``app`` under gunicorn; its base URL once it answers."""
    port = free_port()
    # A file, not a pipe: a worker that logs more than a pipe holds would
    # block on its next line.
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--graceful-timeout",
            "1",
        ],
        cwd=ROOT,
        env=environment(database_url, settings, **env),
        stdout=log,
        stderr=log,
        text=True,
    )
    base = Served(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        wait_until(lambda: answers(base), "gunicorn to answer", process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def answers(base: str) -> bool:
    try:
        requests.get(f"{base}/v1/nothing", timeout=2)
    except (requests.ConnectionError, requests.Timeout):
        # Not up yet, or a worker still importing on a busy machine.
        return False
    return True


def wait_until(
    condition, what: str, process: subprocess.Popen | None = None, timeout=30.0
):
    """Poll ``condition`` until it holds (a state to reach, never a guess)."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server died waiting for {what}")
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class TCPProxy:
    """Forwards a local port to PostgreSQL (or Redis) until ``cut()``: then
    every connection through it is closed and new ones are refused, until
    ``restore()``. ``partition()`` fails it as a dead switch does instead:
    connections are still accepted and stay open, but no byte gets through.
    ``delay`` (seconds, 0 by default) holds each answer from the target that
    long before passing it on: a slow database."""

    def __init__(self, target_url: str) -> None:
        parsed = urlparse(target_url)
        self.target = (parsed.hostname or "127.0.0.1", parsed.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = target_url.replace(
            f"{parsed.hostname}:{parsed.port or 5432}", f"127.0.0.1:{self.port}"
        )
        self.open = True
        self.forwarding = True
        self.delay = 0.0
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(
                target=self._pump, args=(client, upstream), daemon=True
            ).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    if self.delay and key.fileobj is b:
                        time.sleep(self.delay)
                    if self.forwarding:  # a partition drops what is sent
                        key.data.sendall(data)
        except OSError:
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.open = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()

    def partition(self) -> None:
        self.forwarding = False

    def restore(self) -> None:
        self.open = True
        self.forwarding = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


# Headers a proxy sets itself, per hop, rather than passing on.
_HOP_HEADERS = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "date",
        "host",
        "keep-alive",
        "server",
        "transfer-encoding",
    }
)
LOST_ANSWER = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


class Recorder(httpx.HTTPTransport):
    """A real transport that notes when each request left, when its answer
    came, and what the answer was: what the server saw, from outside."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[dict[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = time.monotonic()
        response = super().handle_request(request)
        response.read()
        self.log.append(
            {
                "sent": sent,
                "answered": time.monotonic(),
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "key": request.headers.get("Idempotency-Key"),
                "retry_after": response.headers.get("Retry-After"),
                "supported": response.headers.get("Idempotency-Supported"),
                "ratelimit": response.headers.get("RateLimit"),
            }
        )
        return response

    def statuses(self) -> list[int]:
        return [entry["status"] for entry in self.log]

    def keys(self) -> set[str | None]:
        return {entry["key"] for entry in self.log}


class LosingProxy(ThreadingHTTPServer):
    """An HTTP proxy in front of a served app (``target``, its base URL): it
    forwards every request and passes the answer back, except the requests
    ``lose_next(method, path)`` names: those are forwarded and run, then
    answered with the proxy's own HTML 502 (no JSON body, none of the app's
    headers), the answer a flaky load balancer loses. ``seen`` lists each
    request's method, path and the status the proxy answered."""

    daemon_threads = True

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.lock = threading.Lock()
        self.to_lose: list[tuple[str, str]] = []
        self.seen: list[tuple[str, str, int]] = []
        super().__init__(("127.0.0.1", 0), _LosingHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def lose_next(self, method: str, path: str) -> None:
        """Lose the answer of the next ``method`` request to ``path`` (no query)."""
        with self.lock:
            self.to_lose.append((method.upper(), path))

    def loses(self, method: str, path: str) -> bool:
        with self.lock:
            if (method, path) in self.to_lose:
                self.to_lose.remove((method, path))
                return True
            return False

    def note(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.seen.append((method, path, status))

    def close(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> LosingProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _LosingHandler(BaseHTTPRequestHandler):
    server: LosingProxy

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        answer = httpx.request(
            self.command,
            self.server.target + self.path,
            headers={
                k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS
            },
            content=self.rfile.read(length),
            timeout=60,
        )
        path = self.path.split("?", 1)[0]
        if self.server.loses(self.command, path):
            # The app ran the request and answered; the caller never hears it.
            self.server.note(self.command, path, 502)
            self.reply(502, LOST_ANSWER, {"Content-Type": "text/html"})
            return
        self.server.note(self.command, path, answer.status_code)
        self.reply(answer.status_code, answer.content, answer.headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

    def reply(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the test's output stays readable


def _setup(username: str, balance: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key
    from tests.users import login_name, make_user

    call_command("migrate", verbosity=0)
    users = get_user_model()
    name = {users.USERNAME_FIELD: login_name(username)}
    user = users.objects.filter(**name).first() or make_user(username)
    add_funds(user, balance)
    print(create_key(user)[1])


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        _setup(sys.argv[2], sys.argv[3])
