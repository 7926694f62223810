"""errorkit.client, the generic client, against a live errorkit API that is
not the demo: the library's own test app (tests.testapp under /v1/), served
in this process (pytest-django's live_server) and, as service tests, by
gunicorn workers on PostgreSQL and Redis.

The two halves of the contract are proven against each other: what the
server says (request ids, replays, Idempotency-Supported, Retry-After,
RateLimit) is what the client acts on, and the money and rows in the
database show that no call ran twice when it must not have.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from errorkit.client import (
    APIError,
    AsyncClient,
    AuthenticationError,
    BadGatewayError,
    Client,
    InsufficientBalanceError,
    InternalServerError,
    NotFoundError,
    RetryPolicy,
)
from tests.helpers import ECHO_TASK
from tests.served import LosingProxy, Recorder
from tests.services import REDIS_URL, requires_postgres, requires_redis

TASKS = ("POST", "/v1/tasks")
PRICE = Decimal("0.25")
CRASH_TASK = {"kind": "crash", "payload": None}


def caller(base: str, key: str, **policy: Any) -> tuple[Client, Recorder]:
    """A client of ``base`` with ``key``, recording its traffic."""
    recorder = Recorder()
    policy.setdefault("deadline", 60)
    api = Client(base, api_key=key, retry=RetryPolicy(**policy), transport=recorder)
    return api, recorder


def answer_of(error: APIError) -> httpx.Response:
    """The HTTP answer an error came from (every status error has one)."""
    assert error.response is not None
    return error.response


def balance(api: Client) -> Decimal:
    return Decimal(api.get("/v1/account").data["balance"])


# What the in-process and the gunicorn tests both prove. ``rows(kind)``
# counts the test app's Task rows of that kind, straight from the database.

Rows = Callable[[str], int]


def unlearned_lost_answer_is_not_retried(base: str, key: str, rows: Rows) -> None:
    """A client that has not seen the endpoint say Idempotency-Supported
    cannot know a retry is harmless: a lost answer is raised at once, though
    the server ran (and charged) the call."""
    with LosingProxy(base) as proxy:
        api, recorder = caller(proxy.url, key)
        before, tasks = balance(api), rows("echo")
        proxy.lose_next(*TASKS)
        with pytest.raises(BadGatewayError) as caught:
            api.post("/v1/tasks", json=ECHO_TASK)
        assert caught.value.attempts == 1
        assert recorder.statuses() == [200, 502]
        assert not api.memory.honours_key(TASKS)
        assert rows("echo") == tasks + 1
        assert balance(api) == before - PRICE


def learned_lost_answer_is_retried_and_charged_once(
    base: str, key: str, rows: Rows
) -> None:
    """Once the endpoint has said Idempotency-Supported, a POST whose answer
    was lost after it ran is retried with the same key: the retry is a
    replay, so one row and one charge in all."""
    with LosingProxy(base) as proxy:
        api, recorder = caller(proxy.url, key)
        api.post("/v1/tasks", json=ECHO_TASK)
        assert api.memory.honours_key(TASKS)
        before, tasks = balance(api), rows("echo")
        recorder.log.clear()
        proxy.lose_next(*TASKS)
        created = api.post("/v1/tasks", json={"kind": "echo", "payload": "once"})
        assert created.status_code == 201 and created.data["result"] == "once"
        assert recorder.statuses() == [502, 201]
        assert len(recorder.keys()) == 1  # the one call, retried
        assert created.info.attempts == 2
        assert created.info.replayed and created.info.original_request_id
        assert rows("echo") == tasks + 1
        assert balance(api) == before - PRICE


def paced_burst_earns_no_429(base: str, key: str, rows: Rows) -> None:
    """Ten notes at 3/5s with the default policy: the client reads the
    RateLimit header and waits out each empty window before sending, so the
    server never has to refuse one."""
    api, recorder = caller(base, key)
    notes = rows("note")
    created = [api.post("/v1/paced-notes", json={"n": n}) for n in range(10)]
    assert [note.status_code for note in created] == [201] * 10
    assert len({note.data["id"] for note in created}) == 10
    assert 429 not in recorder.statuses()
    assert len(recorder.log) == 10
    assert rows("note") == notes + 10


# In this process: pytest-django's live server.


@dataclass
class Caller:
    user: Any
    key: str


@pytest.fixture
def alice(transactional_db: None) -> Caller:
    """A caller with 10.00 USD."""
    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key
    from tests.users import make_user

    user = make_user("alice")
    add_funds(user, "10.00")
    return Caller(user, create_key(user, name="live")[1])


@pytest.fixture
def broke(transactional_db: None) -> Caller:
    """A caller with no money at all."""
    from errorkit.keys.api_keys import create_key
    from tests.users import make_user

    user = make_user("broke")
    return Caller(user, create_key(user, name="live")[1])


@pytest.fixture
def base(live_server: Any) -> str:
    return str(live_server.url)


def orm_rows(kind: str) -> int:
    from tests.testapp.models import Task

    return Task.objects.filter(kind=kind).count()


def test_get_and_post_return_the_answer_and_its_request_id(base, alice):
    api, recorder = caller(base, alice.key)
    account = api.get("/v1/account")
    assert account.status_code == 200
    assert account.data == {"balance": "10.00", "held": "0.00", "currency": "USD"}
    created = api.post("/v1/tasks", json=ECHO_TASK)
    assert created.status_code == 201
    assert created.data == {
        "id": created.data["id"],
        "kind": "echo",
        "result": 1,
        "cost": "0.25",
    }
    assert created.info.request_id
    assert created.info.request_id == created.headers["X-Request-ID"]
    assert (created.info.status, created.info.attempts) == (201, 1)
    assert not created.info.replayed
    assert api.get(f"/v1/tasks/{created.data['id']}").data == created.data
    assert balance(api) == Decimal("9.75")
    # Every POST carries an Idempotency-Key; the GETs none.
    assert [e["key"] is not None for e in recorder.log] == [False, True, False, False]


def test_a_missing_task_raises_not_found_with_the_apis_code(base, alice):
    api, recorder = caller(base, alice.key)
    with pytest.raises(NotFoundError) as caught:
        api.get("/v1/tasks/task_missing")
    error = caught.value
    assert (error.status_code, error.error) == (404, "task_not_found")
    assert error.message == "No such task for this API key's account."
    assert error.user_message.startswith("Not found")
    assert error.request_id == answer_of(error).headers["X-Request-ID"]
    assert error.attempts == 1 and len(recorder.log) == 1


def test_a_wrong_key_raises_authentication_error_after_one_attempt(base, alice):
    api, recorder = caller(base, "sk_wrong")
    with pytest.raises(AuthenticationError) as caught:
        api.get("/v1/account")
    assert (caught.value.status_code, caught.value.error) == (401, "invalid_api_key")
    assert caught.value.attempts == 1 and len(recorder.log) == 1
    # The test app serves the dashboard: the message sends the person there.
    keys = f"{base}/dashboard/keys/"
    assert caught.value.links == {"keys": keys}
    assert caught.value.user_message == (
        f"Sign in or check your API key; your keys are at {keys}"
    )


def test_a_repeated_idempotency_key_is_a_replay_charged_once(base, alice):
    api, recorder = caller(base, alice.key)
    first = api.post("/v1/tasks", json=ECHO_TASK, idempotency_key="live-replay-1")
    second = api.post("/v1/tasks", json=ECHO_TASK, idempotency_key="live-replay-1")
    assert not first.info.replayed and not first.info.original_request_id
    assert second.info.replayed is True
    assert second.info.original_request_id == first.info.request_id
    assert second.info.request_id not in ("", first.info.request_id)
    assert (second.status_code, second.data) == (201, first.data)
    assert recorder.keys() == {"live-replay-1"}
    assert orm_rows("echo") == 1
    assert balance(api) == Decimal("9.75")


def test_a_402_raises_after_exactly_one_request(base, broke):
    api, recorder = caller(base, broke.key)
    with pytest.raises(InsufficientBalanceError) as caught:
        api.post("/v1/tasks", json=ECHO_TASK)
    assert (caught.value.status_code, caught.value.error) == (
        402,
        "insufficient_balance",
    )
    assert caught.value.attempts == 1
    assert recorder.statuses() == [402]  # the server saw one request
    add_funds = f"{base}/dashboard/balance/add/"
    assert caught.value.links == {"addFunds": add_funds}
    assert caught.value.user_message == (
        f"Add funds to your account to continue: {add_funds}"
    )
    assert orm_rows("echo") == 0


def test_a_429_is_retried_no_sooner_than_its_retry_after(base, alice):
    # pace=False: the client sends at once and so earns the 429s.
    api, recorder = caller(base, alice.key, pace=False)
    calls = 0
    while 429 not in recorder.statuses():
        # At 3/5s, seven calls sent at once cannot all fit in the two windows
        # they may span; a 429 comes within them.
        assert calls < 7, recorder.statuses()
        assert api.post("/v1/paced-notes", json={"n": calls}).status_code == 201
        calls += 1
    limited = [n for n, entry in enumerate(recorder.log) if entry["status"] == 429]
    for n in limited:
        refused, retry = recorder.log[n], recorder.log[n + 1]
        assert int(refused["retry_after"]) >= 1
        waited = retry["sent"] - refused["answered"]
        assert waited >= int(refused["retry_after"]), (n, waited, refused)
        assert retry["key"] == refused["key"]  # the same call, retried
    # A 429 ran nothing: one note per call, though the POST is not idempotent.
    assert orm_rows("note") == calls


def test_a_write_that_crashed_on_a_non_idempotent_endpoint_is_sent_once(base, alice):
    api, recorder = caller(base, alice.key, backoff=0.05)
    with pytest.raises(InternalServerError) as caught:
        api.post("/v1/notes", json={"crash": True})
    assert (caught.value.error, caught.value.attempts) == ("internal_error", 1)
    assert "Idempotency-Supported" not in answer_of(caught.value).headers
    assert recorder.statuses() == [500]
    assert not api.memory.honours_key(("POST", "/v1/notes"))
    assert orm_rows("note") == 1  # it ran: a retry would have written again


def test_idempotent_true_from_the_caller_retries_a_crashed_write(base, alice):
    # The caller's word overrides what the client learned (nothing here): the
    # retries happen, and each runs the write again, as this endpoint ignores
    # the key. That is what the caller vouched against.
    api, recorder = caller(base, alice.key, attempts=3, backoff=0.05)
    with pytest.raises(InternalServerError) as caught:
        api.post("/v1/notes", json={"crash": True}, idempotent=True)
    assert caught.value.attempts == 3
    assert recorder.statuses() == [500, 500, 500]
    assert len(recorder.keys()) == 1
    assert orm_rows("note") == 3


def test_a_crash_on_the_idempotent_endpoint_is_retried_and_costs_nothing(base, alice):
    api, recorder = caller(base, alice.key, attempts=3, backoff=0.05)
    with pytest.raises(InternalServerError) as caught:
        api.post("/v1/tasks", json=CRASH_TASK)
    # The 500 itself says the endpoint honours the key: retried at once, with
    # the same key, which the server released after each 5xx, so each retry
    # ran (and crashed) again.
    assert answer_of(caught.value).headers["Idempotency-Supported"] == "true"
    assert api.memory.honours_key(TASKS)
    assert caught.value.attempts == 3
    assert recorder.statuses() == [500, 500, 500]
    assert len(recorder.keys()) == 1
    account = api.get("/v1/account").data
    assert (account["balance"], account["held"]) == ("10.00", "0.00")
    assert orm_rows("crash") == 0


def test_a_lost_answer_is_retried_only_once_the_endpoint_said_it_is_safe(base, alice):
    unlearned_lost_answer_is_not_retried(base, alice.key, orm_rows)
    learned_lost_answer_is_retried_and_charged_once(base, alice.key, orm_rows)


def test_the_async_client_gets_and_posts(base, alice):
    async def calls() -> tuple[Any, Any]:
        async with AsyncClient(base, api_key=alice.key) as api:
            account = await api.get("/v1/account")
            created = await api.post("/v1/tasks", json=ECHO_TASK)
            return account, created

    account, created = asyncio.run(calls())
    assert account.status_code == 200 and account.data["balance"] == "10.00"
    assert created.status_code == 201 and created.data["kind"] == "echo"
    assert created.info.request_id == created.headers["X-Request-ID"]
    assert created.info.request_id != account.info.request_id
    assert orm_rows("echo") == 1
    from errorkit.billing.funds import funds_of

    assert funds_of(alice.user).balance == Decimal("9.75")


# As service tests: gunicorn workers, PostgreSQL and Redis.


@dataclass
class Workers:
    base: str
    key: str
    database: str

    def rows(self, kind: str) -> int:
        import psycopg

        with psycopg.connect(self.database) as db:
            query = "SELECT COUNT(*) FROM testapp_task WHERE kind = %s"
            (count,) = db.execute(query, (kind,)).fetchone() or (0,)
        return int(count)


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    from tests.served import fresh_postgres, gunicorn, setup_caller

    with fresh_postgres() as database:
        key = setup_caller(database, "alice", "10.00")
        # Redis: the workers share their rate-limit counts, as in production.
        with gunicorn(database, workers=2, REDIS_URL=REDIS_URL) as base:
            yield Workers(str(base), key, database)


@requires_postgres
@requires_redis
def test_on_gunicorn_a_lost_answer_is_retried_and_charged_once(workers):
    unlearned_lost_answer_is_not_retried(workers.base, workers.key, workers.rows)
    learned_lost_answer_is_retried_and_charged_once(
        workers.base, workers.key, workers.rows
    )


@requires_postgres
@requires_redis
def test_on_gunicorn_a_paced_burst_earns_no_429(workers):
    paced_burst_earns_no_429(workers.base, workers.key, workers.rows)
