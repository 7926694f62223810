"""errorkit.client against the live demo, the two halves of the contract proven
against each other: served in this process (live_server), and, as service
tests, by gunicorn workers on PostgreSQL and Redis.

- a burst of 20 jobs at DEMO_JOBS_RATE 3/5s all gets through, each retry sent
  no sooner than the 429's retryAfter;
- a 402 raises at once, with no retry;
- a 502 from a proxy that lost the demo's answer is retried with the same
  Idempotency-Key and charged once (the retry is a replay);
- a worker SIGKILLed mid-call is retried, and the job charged once.
"""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from errorkit import client
from errorkit.client import RetryPolicy
from errorkit.client.__main__ import main as cli
from tests.demo.helpers import funded_and_broke
from tests.services import REDIS_URL, requires_postgres, requires_redis

PRICE = Decimal("0.01")


class Recorder(httpx.HTTPTransport):
    """A real transport that notes when each request left and its answer came."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[dict] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = time.monotonic()
        response = super().handle_request(request)
        response.read()
        self.log.append(
            {
                "sent": sent,
                "answered": time.monotonic(),
                "status": response.status_code,
                "key": request.headers.get("Idempotency-Key"),
                "retry_after": response.headers.get("Retry-After"),
            }
        )
        return response


def caller(base: str, key: str, **policy) -> tuple[client.Client, Recorder]:
    recorder = Recorder()
    policy.setdefault("deadline", 60)
    return client.Client(
        key, base, retry=RetryPolicy(**policy), transport=recorder
    ), recorder


def burst_gets_through(base: str, key: str) -> None:
    api, recorder = caller(base, key)
    before = api.balance().balance
    jobs = [api.create_job("demo-echo", n) for n in range(20)]
    assert [j.output for j in jobs] == list(range(20))
    assert len({j.id for j in jobs}) == 20
    log = recorder.log[1:]  # after the balance
    limited = [n for n, entry in enumerate(log) if entry["status"] == 429]
    assert limited, "3/5s must have refused some of 20 jobs"
    for n in limited:
        waited = log[n + 1]["sent"] - log[n]["answered"]
        assert waited >= int(log[n]["retry_after"]), (n, waited, log[n])
        assert log[n + 1]["key"] == log[n]["key"]  # the same call, retried
    assert api.balance().balance == before - 20 * PRICE


def broke_caller_gets_402_at_once(base: str, broke_key: str) -> None:
    api, recorder = caller(base, broke_key)
    with pytest.raises(client.InsufficientBalanceError) as caught:
        api.create_job("demo-echo", 1)
    assert caught.value.attempts == 1 and len(recorder.log) == 1
    assert caught.value.user_message == "Add funds to your account to continue."


class LosesFirstJobAnswer(ThreadingHTTPServer):
    """A proxy in front of the demo that forwards everything but answers the
    first POST /v1/jobs with its own HTML 502, after the demo ran it: the
    answer a flaky load balancer loses."""

    def __init__(self, target: str) -> None:
        self.target, self.lost = target, 0
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ProxyHandler(BaseHTTPRequestHandler):
    server: LosesFirstJobAnswer

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in {"host", "connection"}
        }
        answer = httpx.request(
            self.command,
            self.server.target + self.path,
            headers=headers,
            content=self.rfile.read(length),
            timeout=30,
        )
        if self.command == "POST" and self.path == "/v1/jobs" and not self.server.lost:
            self.server.lost += 1
            self.reply(502, b"<html><h1>502 Bad Gateway</h1></html>", "text/html")
            return
        self.reply(answer.status_code, answer.content, None, answer.headers)

    do_GET = do_POST = forward

    def reply(self, status, body, kind, headers=None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            if name.lower() not in {"content-length", "connection", "date", "server"}:
                self.send_header(name, value)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # the test's output stays readable
        pass


def lost_502_is_charged_once(base: str, key: str) -> None:
    proxy = LosesFirstJobAnswer(base)
    try:
        api, recorder = caller(proxy.url, key)
        before = api.balance().balance
        job = api.create_job("demo-echo", "once")
        statuses = [e["status"] for e in recorder.log[1:]]
        # A 3/5s window may still hold a burst just sent: the retry may meet
        # 429s first, and waits them out; every try carries the one key.
        assert statuses[0] == 502 and statuses[-1] == 201, statuses
        assert set(statuses[1:-1]) <= {429}, statuses
        assert len({e["key"] for e in recorder.log[1:]}) == 1
        assert job.info.replayed and job.info.original_request_id
        assert api.balance().balance == before - PRICE
    finally:
        proxy.shutdown()
        proxy.server_close()


def real_502s_cost_nothing(base: str, key: str) -> None:
    api, recorder = caller(base, key, attempts=3, backoff=0.05)
    before = api.balance().balance
    with pytest.raises(client.BadGatewayError) as caught:
        api.create_job("demo-flaky", 1)
    assert caught.value.attempts == 3 and caught.value.error == "bad_gateway"
    assert "contact support and quote request ID" in caught.value.user_message
    assert len({e["key"] for e in recorder.log[1:]}) == 1
    assert api.balance().balance == before


def cli_calls_the_demo(base: str, key: str, capsys) -> None:
    assert cli(["--base-url", base, "--api-key", key, "balance"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["currency"] == "USD" and printed["info"]["request_id"]
    assert cli(["--base-url", base, "--api-key", "sk_wrong", "models"]) == 1
    err = capsys.readouterr().err
    assert "Sign in or check your API key." in err
    assert "401 invalid_api_key" in err and "request id: " in err
    job = ["--base-url", base, "--api-key", key, "job", "demo-echo", "--input", "[1]"]
    assert cli(job) == 0
    assert json.loads(capsys.readouterr().out)["output"] == [1]


# In this process: pytest-django's live server.


@pytest.fixture
def served(live_server, settings, django_user_model):
    settings.DEMO_JOBS_RATE = "3/5s"
    return live_server.url, *funded_and_broke(django_user_model, "caller")


def test_a_rate_limited_burst_all_gets_through(served):
    base, key, _ = served
    burst_gets_through(base, key)


def test_a_402_raises_at_once_and_502s_are_charged_once(served, settings, capsys):
    base, key, broke = served
    settings.DEMO_JOBS_RATE = "1000/m"  # only the burst is about the limit
    broke_caller_gets_402_at_once(base, broke)
    lost_502_is_charged_once(base, key)
    real_502s_cost_nothing(base, key)
    cli_calls_the_demo(base, key, capsys)


# As service tests: gunicorn workers, PostgreSQL and Redis.


@pytest.fixture
def workers():
    from tests.served import fresh_postgres, gunicorn, manage

    with fresh_postgres() as url:
        manage(url, "migrate", "-v0", DJANGO_SECRET_KEY="client")
        key = manage(url, "create_api_key", "caller", "--balance", "10.00")
        broke = manage(url, "create_api_key", "broke")
        with gunicorn(
            url,
            workers=4,
            app="demo_project.wsgi:application",
            settings="demo_project.settings",
            REDIS_URL=REDIS_URL,
            DEMO_JOBS_RATE="3/5s",
            DJANGO_SECRET_KEY="client",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
        ) as base:
            yield base, key, broke, url


@requires_postgres
@requires_redis
def test_on_gunicorn_workers_the_client_keeps_every_promise(workers):
    base, key, broke, _ = workers
    burst_gets_through(base, key)
    broke_caller_gets_402_at_once(base, broke)
    lost_502_is_charged_once(base, key)


@requires_postgres
@requires_redis
def test_a_worker_killed_mid_call_is_retried_and_charged_once(workers):
    import psycopg

    from tests.served import wait_until

    base, key, _, url = workers
    api, recorder = caller(base, key, backoff=0.2)
    outcome: list = []

    def call() -> None:
        try:
            outcome.append(api.create_job("demo-echo", "survives"))
        except client.APIError as exc:
            outcome.append(exc)

    def held() -> bool:
        with psycopg.connect(url) as db:
            return bool(
                db.execute(
                    "SELECT COUNT(*) FROM errorkit_billing_hold WHERE status = 'active'"
                ).fetchone()[0]
            )

    thread = threading.Thread(target=call)
    with psycopg.connect(url) as db:
        # The job's row cannot be written: the call stops mid-way, its money
        # held, until the worker is killed.
        db.execute("LOCK TABLE jobs_job IN ACCESS EXCLUSIVE MODE")
        thread.start()
        wait_until(held, "the job to hold its price")
        base.kill_workers()
        db.rollback()
    thread.join(timeout=90)
    (job,) = outcome
    assert isinstance(job, client.Job), job
    assert job.info.attempts >= 2 and recorder.log[0]["key"] == recorder.log[-1]["key"]
    balance = api.balance()
    assert (balance.balance, balance.held) == (Decimal("9.99"), Decimal("0.00"))
    with psycopg.connect(url) as db:
        (ledger,) = db.execute(
            "SELECT SUM(amount) FROM errorkit_billing_ledgerentry"
        ).fetchone()
        (jobs,) = db.execute("SELECT COUNT(*) FROM jobs_job").fetchone()
    assert (ledger, jobs) == (Decimal("9.99"), 1)
