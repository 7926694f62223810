"""The demo's client (demo_project.client, on errorkit.client) against the live
demo, the two halves of the contract proven against each other: served in this
process (live_server), and, as service tests, by gunicorn workers on
PostgreSQL and Redis.

- a burst of jobs at DEMO_JOBS_RATE 3/5s all gets through: paced by the
  RateLimit header it earns no 429; unpaced, each retry of a 429 is sent no
  sooner than its retryAfter;
- every answer of POST /v1/jobs says Idempotency-Supported: true;
- a 402 raises at once, with no retry;
- a 502 from a proxy that lost the demo's answer is retried with the same
  Idempotency-Key and charged once (the retry is a replay); the generic
  client retries it too once an answer has announced the key is honoured;
- the same Idempotency-Key twice: the second job is a replay, charged nothing;
- a worker SIGKILLed mid-call is retried, and the job charged once;
- the demo's command line, and the async client.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo_project.client import AsyncDemoClient, DemoClient, Job
from demo_project.client import main as cli
from errorkit.client import (
    APIError,
    BadGatewayError,
    Client,
    InsufficientBalanceError,
    NotFoundError,
    RetryPolicy,
    UnexpectedResponseError,
)
from tests.demo.helpers import funded_and_broke
from tests.served import LosingProxy, Recorder
from tests.services import REDIS_URL, requires_postgres, requires_redis

PRICE = Decimal("0.01")
ROOT = Path(__file__).resolve().parents[2]
# The demo's one rate-limit policy on an answer: "jobs";r=0;t=3.
RATE_STATE = re.compile(r'"jobs";r=(?P<r>\d+);t=(?P<t>\d+)')


def caller(base: str, key: str, **policy: Any) -> tuple[DemoClient, Recorder]:
    recorder = Recorder()
    policy.setdefault("deadline", 60)
    return DemoClient(
        base, api_key=key, retry=RetryPolicy(**policy), transport=recorder
    ), recorder


def announced(entries: list[dict[str, Any]]) -> bool:
    return all(entry["supported"] == "true" for entry in entries)


def burst_waits_out_429s(base: str, key: str) -> None:
    """Unpaced, 20 jobs at 3/5s meet 429s, and each is retried, with the same
    key, no sooner than its retryAfter."""
    api, recorder = caller(base, key, pace=False)
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
    assert announced(log), "every answer of POST /v1/jobs, 429s included"
    assert api.balance().balance == before - 20 * PRICE


def paced_burst_earns_no_429(base: str, fresh_key: str) -> None:
    """Paced (the default), 10 jobs at 3/5s earn no 429: after an answer whose
    RateLimit says none is left, the next job waits the t seconds it names.
    ``fresh_key``: no job yet in its window."""
    api, recorder = caller(base, fresh_key)
    before = api.balance().balance
    jobs = [api.create_job("demo-echo", n) for n in range(10)]
    assert [j.output for j in jobs] == list(range(10))
    log = recorder.log[1:]
    assert [entry["status"] for entry in log] == [201] * 10
    # (answer, seconds to the reset) of each answer that left no job.
    exhausted = [
        (n, int(state["t"]))
        for n, entry in enumerate(log[:-1])
        if (state := RATE_STATE.search(entry["ratelimit"] or "")) and state["r"] == "0"
    ]
    assert exhausted, "3/5s must have run out during 10 jobs"
    for n, reset in exhausted:
        waited = log[n + 1]["sent"] - log[n]["answered"]
        assert waited >= reset, (n, waited, log[n])
    assert announced(log)
    assert api.balance().balance == before - 10 * PRICE


def broke_caller_gets_402_at_once(base: str, broke_key: str) -> None:
    api, recorder = caller(base, broke_key)
    with pytest.raises(InsufficientBalanceError) as caught:
        api.create_job("demo-echo", 1)
    assert caught.value.attempts == 1 and len(recorder.log) == 1
    # The demo serves the dashboard: the message sends the person to it.
    assert caught.value.user_message == (
        f"Add funds to your account to continue: {base}/dashboard/balance/add/"
    )
    assert announced(recorder.log)


def lost_502_is_charged_once(base: str, key: str) -> None:
    """The demo documents that its jobs honour Idempotency-Key, so the demo's
    client retries the proxy's 502 (which announces nothing) from its first
    job on."""
    proxy = LosingProxy(base)
    try:
        api, recorder = caller(proxy.url, key)
        proxy.lose_next("POST", "/v1/jobs")
        before = api.balance().balance
        job = api.create_job("demo-echo", "once")
        log = recorder.log[1:]
        statuses = [e["status"] for e in log]
        # A 3/5s window may still hold a burst just sent: the retry may meet
        # 429s first, and waits them out; every try carries the one key.
        assert statuses[0] == 502 and statuses[-1] == 201, statuses
        assert set(statuses[1:-1]) <= {429}, statuses
        assert len({e["key"] for e in log}) == 1
        assert log[0]["supported"] is None and announced(log[1:])
        assert job.info.replayed and job.info.original_request_id
        assert api.balance().balance == before - PRICE
    finally:
        proxy.close()


def generic_client_learns_to_retry(base: str, key: str) -> None:
    """errorkit.client's Client, told nothing about the demo, retries a lost
    job once an earlier answer said Idempotency-Supported: true."""
    proxy = LosingProxy(base)
    recorder = Recorder()
    try:
        with DemoClient(base, api_key=key) as demo:
            before = demo.balance().balance
        with Client(proxy.url, api_key=key, transport=recorder) as api:
            first = api.post("/v1/jobs", json={"model": "demo-echo", "input": 1})
            assert first.headers["Idempotency-Supported"] == "true"
            proxy.lose_next("POST", "/v1/jobs")
            second = api.post("/v1/jobs", json={"model": "demo-echo", "input": 2})
        assert [e["status"] for e in recorder.log] == [201, 502, 201]
        assert recorder.log[1]["key"] == recorder.log[2]["key"]
        assert second.info.replayed and second.data["output"] == 2
        with DemoClient(base, api_key=key) as demo:
            assert demo.balance().balance == before - 2 * PRICE
    finally:
        proxy.close()


def real_502s_cost_nothing(base: str, key: str) -> None:
    api, recorder = caller(base, key, attempts=3, backoff=0.05)
    before = api.balance().balance
    with pytest.raises(BadGatewayError) as caught:
        api.create_job("demo-flaky", 1)
    assert caught.value.attempts == 3 and caught.value.error == "bad_gateway"
    assert "contact support and quote request ID" in caught.value.user_message
    assert len({e["key"] for e in recorder.log[1:]}) == 1
    assert announced(recorder.log[1:])
    assert api.balance().balance == before


def replays_are_reported(base: str, key: str) -> None:
    api, _ = caller(base, key)
    before = api.balance().balance
    idempotency_key = f"replay-{uuid.uuid4()}"
    first = api.create_job("demo-echo", "same", idempotency_key=idempotency_key)
    again = api.create_job("demo-echo", "same", idempotency_key=idempotency_key)
    assert not first.info.replayed and again.info.replayed
    assert again.info.original_request_id == first.info.request_id
    assert again.info.request_id != first.info.request_id
    assert (again.id, again.output) == (first.id, "same")
    assert api.balance().balance == before - PRICE


def reads_are_typed_and_ids_quoted(base: str, key: str) -> None:
    api, _ = caller(base, key)
    models = api.models()
    assert {m.id for m in models} >= {"demo-echo", "demo-flaky"}
    assert api.model("demo-echo").price == PRICE
    job = api.create_job("demo-echo", {"n": 1})
    assert api.job(job.id).output == {"n": 1} and job.cost == PRICE
    # '?' and ' ' stay in the id: the demo is asked for exactly that model.
    with pytest.raises(NotFoundError) as caught:
        api.model("no such?model")
    assert caught.value.error == "model_not_found"
    assert "'no such?model'" in caught.value.message
    with pytest.raises(NotFoundError) as caught:
        api.job("job_x")
    assert caught.value.error == "job_not_found"


def cli_calls_the_demo(base: str, key: str, capsys) -> None:
    assert cli(["--base-url", base, "--api-key", key, "balance"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["currency"] == "USD" and printed["info"]["request_id"]
    assert cli(["--base-url", base, "--api-key", "sk_wrong", "models"]) == 1
    err = capsys.readouterr().err
    assert (
        f"Sign in or check your API key; your keys are at {base}/dashboard/keys/" in err
    )
    assert "401 invalid_api_key" in err and "request id: " in err
    job = ["--base-url", base, "--api-key", key, "job", "demo-echo", "--input", "[1]"]
    assert cli(job) == 0
    assert json.loads(capsys.readouterr().out)["output"] == [1]
    assert cli([*job[:-1], "{"]) == 2
    assert "--input is not JSON" in capsys.readouterr().err


def module_runs_from_a_shell(base: str, key: str) -> None:
    """``python -m demo_project.client``, its address and key from the
    environment."""
    env = {**os.environ, "ERRORKIT_BASE_URL": base, "ERRORKIT_API_KEY": key}
    done = subprocess.run(
        [sys.executable, "-m", "demo_project.client", "model", "demo-echo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["price"] == "0.01"


async def async_calls(base: str, key: str) -> None:
    async with AsyncDemoClient(base, api_key=key) as api:
        before = (await api.balance()).balance
        assert "demo-echo" in {m.id for m in await api.models()}
        assert (await api.model("demo-echo")).price == PRICE
        job = await api.create_job("demo-echo", "async")
        assert (await api.job(job.id)).output == "async"
        with pytest.raises(NotFoundError) as caught:
            await api.model("no-such-model")
        assert caught.value.error == "model_not_found"
        assert (await api.balance()).balance == before - PRICE


def test_a_success_without_the_expected_body_is_an_error() -> None:
    """A proxy's page or another API answering 200: UnexpectedResponseError,
    with the answer's status and request id (a fake server)."""

    def page(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/balance":
            return httpx.Response(
                200, json={"balance": "1.00"}, headers={"X-Request-ID": "req_1"}
            )
        return httpx.Response(
            200, html="<html>hi</html>", headers={"X-Request-ID": "req_2"}
        )

    with DemoClient(transport=httpx.MockTransport(page)) as api:
        with pytest.raises(UnexpectedResponseError) as missing:
            api.balance()
        with pytest.raises(UnexpectedResponseError) as html:
            api.models()
    assert (missing.value.status_code, missing.value.request_id) == (200, "req_1")
    assert (html.value.status_code, html.value.request_id) == (200, "req_2")
    assert "GET /v1/models answered 200" in str(html.value)


# In this process: pytest-django's live server.


@pytest.fixture
def served(live_server, settings, django_user_model):
    settings.DEMO_JOBS_RATE = "3/5s"
    fresh, _ = funded_and_broke(django_user_model, "pacer")
    return live_server.url, *funded_and_broke(django_user_model, "caller"), fresh


def test_a_rate_limited_burst_all_gets_through(served):
    base, key, _, fresh = served
    paced_burst_earns_no_429(base, fresh)
    burst_waits_out_429s(base, key)


def test_a_402_raises_at_once_and_502s_are_charged_once(served, settings, capsys):
    base, key, broke, _ = served
    settings.DEMO_JOBS_RATE = "1000/m"  # only the bursts are about the limit
    broke_caller_gets_402_at_once(base, broke)
    lost_502_is_charged_once(base, key)
    generic_client_learns_to_retry(base, key)
    real_502s_cost_nothing(base, key)
    replays_are_reported(base, key)


def test_typed_reads_the_command_line_and_the_async_client(served, settings, capsys):
    base, key, broke, _ = served
    settings.DEMO_JOBS_RATE = "1000/m"
    reads_are_typed_and_ids_quoted(base, key)
    cli_calls_the_demo(base, key, capsys)
    module_runs_from_a_shell(base, key)
    asyncio.run(async_calls(base, key))


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
    from tests.served import manage

    base, key, broke, url = workers
    fresh = manage(url, "create_api_key", "pacer", "--balance", "10.00")
    paced_burst_earns_no_429(base, fresh)
    burst_waits_out_429s(base, key)
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
        except APIError as exc:
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
    assert isinstance(job, Job), job
    assert job.info.attempts >= 2 and recorder.log[0]["key"] == recorder.log[-1]["key"]
    balance = api.balance()
    assert (balance.balance, balance.held) == (Decimal("9.99"), Decimal("0.00"))
    with psycopg.connect(url) as db:
        (ledger,) = db.execute(
            "SELECT SUM(amount) FROM errorkit_billing_ledgerentry"
        ).fetchone()
        (jobs,) = db.execute("SELECT COUNT(*) FROM jobs_job").fetchone()
    assert (ledger, jobs) == (Decimal("9.99"), 1)
