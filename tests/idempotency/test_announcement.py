"""``Idempotency-Supported: true``: every answer of an ``@errorkit.idempotent``
view says it, whatever the answer (a success, a replay, a refusal, a rate
limit, the 500 of a crash), so that a client knows a retry of a write there
with the same Idempotency-Key is never run twice (errorkit.client retries
on it). Answers of other views never say it, and the schema documents it
where it is said."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import errorkit
from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401
from tests.helpers import assert_error, post_task
from tests.idempotency.test_decorators import claimed_elsewhere, owner_alive
from tests.users import make_user

pytestmark = pytest.mark.django_db

HEADER = "Idempotency-Supported"


def announces(response) -> bool:
    return response.get(HEADER) == "true"


@pytest.fixture
def caller(api_key) -> Client:
    """A test client with alice's key (10.00 USD): answers, not exceptions,
    so that a crash's 500 is seen as a caller sees it. Django's client: DRF
    3.15's sends a dict given with a content type as its str(), not JSON."""
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {api_key}")


def test_a_success_says_it(caller):
    response = post_task(caller, key="a-1")
    assert response.status_code == 201 and announces(response)


def test_a_call_without_a_key_says_it_too(caller):
    # The header tells the client it may send one next time.
    response = post_task(caller)
    assert response.status_code == 201 and announces(response)


def test_a_replay_says_it(caller):
    post_task(caller, key="a-2")
    replay = post_task(caller, key="a-2")
    assert replay["Idempotent-Replayed"] == "true" and announces(replay)


def test_a_conflict_says_it(caller, api_user):
    claimed_elsewhere(api_user, "running", timezone.now())
    with owner_alive(api_user, "running"):
        response = post_task(caller, key="running")
    assert_error(response, 409, "idempotency_conflict", retryAfter=1)
    assert announces(response)


def test_a_key_reused_for_another_request_says_it(caller):
    post_task(caller, key="a-3")
    response = post_task(caller, {"kind": "echo", "payload": 2}, key="a-3")
    assert_error(response, 422, "idempotency_key_reused")
    assert announces(response)


def test_a_malformed_key_says_it(caller):
    response = post_task(caller, key="caf\u00e9")
    assert_error(response, 400, "invalid_request")
    assert announces(response)


def test_a_short_balance_says_it():
    from errorkit.keys.api_keys import create_key

    key = create_key(make_user("bob"))[1]
    poor = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = post_task(poor, key="b-1")
    assert_error(response, 402, "insufficient_balance")
    assert announces(response)


def test_a_rate_limit_says_it(caller, settings):
    settings.TEST_TASKS_RATE = "1/h"
    assert announces(post_task(caller, key="c-1"))
    limited = post_task(caller, key="c-2")
    assert limited.status_code == 429 and announces(limited)


@pytest.mark.parametrize(("kind", "status"), [("crash", 500), ("flaky", 502)])
def test_a_crash_or_an_upstream_failure_says_it(caller, kind, status):
    # The crash's 500 is made outside the view's pipeline, by Django's
    # handler: the middleware still puts the header on it.
    response = post_task(caller, {"kind": kind, "payload": 1}, key=f"{kind}-1")
    assert response.status_code == status and announces(response)
    assert response.json()["requestId"] == response["X-Request-ID"]


def test_answers_of_other_views_do_not_say_it(caller):
    task_id = post_task(caller, key="d-1").json()["id"]
    for answer in (
        caller.get(f"/v1/tasks/{task_id}"),
        caller.get("/v1/tasks/nope"),  # its 404
        caller.get("/v1/account"),
    ):
        assert HEADER not in answer, answer.status_code


class Stamped(APIView):
    """An idempotent view that also reads."""

    @errorkit.idempotent
    def get(self, request: Request) -> Response:
        return Response({"read": True})


# The URLconf of the test that reads it (pytest.mark.urls), with the
# handlers a project imports into its root URLconf.
urlpatterns = [
    path("v1/stamped", Stamped.as_view()),
    path("v1/", include("tests.testapp.urls")),
]


@pytest.mark.urls(__name__)
def test_a_read_of_an_idempotent_view_says_it(caller):
    response = caller.get("/v1/stamped")
    assert response.status_code == 200 and announces(response)
    assert HEADER not in caller.get("/v1/account")


def operations() -> dict[str, dict]:
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    return {
        f"{method.upper()} {route}": operation
        for route, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_the_schema_documents_it_on_every_answer_of_idempotent_operations_only():
    found = operations()
    idempotent = {
        name
        for name in found
        if name == "POST /v1/tasks"
        or name.startswith("POST /v1/orders/")
        or name == "GET /v1/stamped"
    }
    assert {"POST /v1/tasks", "GET /v1/stamped"} <= idempotent
    for name, operation in found.items():
        documented = [
            HEADER in response.get("headers", {})
            for response in operation["responses"].values()
        ]
        assert all(documented) if name in idempotent else not any(documented), name
    header = found["POST /v1/tasks"]["responses"]["500"]["headers"][HEADER]
    assert header["schema"] == {"type": "string", "enum": ["true"]}
    assert "Idempotency-Key" in header["description"]
