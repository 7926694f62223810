"""errorkit.idempotent on POST /v1/tasks: replay, 422, 409, release after 5xx/429."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone

from errorkit.billing.models import LedgerEntry
from errorkit.idempotency.matching import fingerprint_of
from errorkit.idempotency.models import IdempotencyRecord
from tests.helpers import ECHO_TASK, assert_error, balance_of, post_task
from tests.users import make_user

pytestmark = pytest.mark.django_db


def test_a_repeat_replays_the_first_answer_byte_for_byte(api, api_user):
    first = post_task(api, key="order-1")
    second = post_task(api, key="order-1")
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert second["Content-Type"] == first["Content-Type"]
    # The replay has its own request id, and names the request that ran.
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert second["Original-Request-ID"] == first["X-Request-ID"]
    assert "Original-Request-ID" not in first
    assert balance_of(api_user) == Decimal("9.75")
    assert LedgerEntry.objects.filter(kind="post").count() == 1


def test_a_replayed_error_is_the_same_error_under_its_own_request_id():
    """A stored 402 replays its status, code and message; its body's
    requestId is the replay's X-Request-ID (as on every error body), the
    one that ran is Original-Request-ID; a replay, not counted, carries no
    RateLimit headers; its findable row has the error's code."""
    from django.test import Client

    from errorkit.incidents.models import FailedRequest
    from errorkit.keys.api_keys import create_key

    key = create_key(make_user("bob"))[1]
    poor = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}")
    first = post_task(poor, key="b-1")
    first_body = assert_error(first, 402, "insufficient_balance")
    assert "RateLimit" in first
    second = post_task(poor, key="b-1")
    second_body = assert_error(second, 402, "insufficient_balance")
    assert second_body["message"] == first_body["message"]
    assert second["Idempotent-Replayed"] == "true"
    assert second["Original-Request-ID"] == first["X-Request-ID"]
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert "RateLimit" not in second and "RateLimit-Policy" not in second
    rows = FailedRequest.objects.filter(status_code=402).order_by("created", "pk")
    assert [r.error_code for r in rows] == ["insufficient_balance"] * 2
    assert rows[1].request_id == second["X-Request-ID"]


def test_the_same_body_in_another_key_order_is_the_same_request(api, api_user):
    post_task(api, '{"kind": "echo", "payload": {"a": 1, "b": 2}}', key="k")
    again = post_task(api, '{"payload": {"b": 2, "a": 1}, "kind": "echo"}', key="k")
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_for_a_different_request_is_422(api, api_user):
    post_task(api, key="order-2")
    response = post_task(api, {"kind": "echo", "payload": {"n": 2}}, key="order-2")
    assert_error(response, 422, "idempotency_key_reused")
    assert balance_of(api_user) == Decimal("9.75")


def claimed_elsewhere(user, key: str, claimed_at) -> None:
    """A claim on ``key`` for post_task's default request, by another request."""
    request = RequestFactory().post(
        "/v1/tasks", ECHO_TASK, content_type="application/json"
    )
    IdempotencyRecord.objects.create(
        scope=f"user:{user.pk}",
        key=key,
        fingerprint=fingerprint_of(request),
        claimed_at=claimed_at,
        expires_at=claimed_at + timedelta(days=1),
    )


@contextlib.contextmanager
def owner_alive(user, key: str):
    """The claiming request still runs: on PostgreSQL it holds the key's lease
    on a connection of its own (elsewhere a fresh claim is enough)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    from errorkit.idempotency.leases import _lock_id

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [_lock_id(f"user:{user.pk}", key)])
        yield


def test_a_repeat_while_the_first_runs_is_409_with_retry_after(api, api_user):
    claimed_elsewhere(api_user, "busy", timezone.now())
    with owner_alive(api_user, "busy"):
        response = post_task(api, key="busy")
    assert_error(response, 409, "idempotency_conflict", retryAfter=1)
    assert response["Retry-After"] == "1"
    assert balance_of(api_user) == Decimal("10.00")


def test_a_stale_claim_is_taken_over(api, api_user):
    claimed_elsewhere(api_user, "crashed", timezone.now() - timedelta(minutes=5))
    assert post_task(api, key="crashed").status_code == 201


def test_an_expired_key_can_be_used_again(api, api_user):
    post_task(api, key="old")
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = post_task(api, {"kind": "echo", "payload": "new"}, key="old")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response


@pytest.mark.parametrize(
    "model,status", [("flaky", 502), ("crash", 500), ("busy", 503)]
)
def test_a_5xx_releases_the_key_and_the_retry_runs_again_for_free(
    api, api_user, model, status
):
    body = {"kind": model, "payload": 1}
    assert post_task(api, body, key="retry-me").status_code == status
    assert not IdempotencyRecord.objects.exists()
    retry = post_task(api, body, key="retry-me")
    assert retry.status_code == status and "Idempotent-Replayed" not in retry
    assert balance_of(api_user) == Decimal("10.00")
    assert LedgerEntry.objects.filter(kind="hold").count() == 2
    assert LedgerEntry.objects.filter(kind="void").count() == 2
    assert not LedgerEntry.objects.filter(kind="post").exists()


def test_a_429_releases_the_key(api, api_user, settings):
    settings.TEST_TASKS_RATE = "1/h"
    assert post_task(api, key="first").status_code == 201
    assert post_task(api, key="limited").status_code == 429
    assert IdempotencyRecord.objects.filter(key="limited").count() == 0


def test_final_4xx_answers_are_stored_and_replayed(api, api_user):
    bad = post_task(api, {"kind": "nope", "payload": 1}, key="bad")
    assert bad.status_code == 404
    again = post_task(api, {"kind": "nope", "payload": 1}, key="bad")
    assert again["Idempotent-Replayed"] == "true"
    # Byte for byte, but for the request id, which is the replay's own.
    ids = bad["X-Request-ID"].encode(), again["X-Request-ID"].encode()
    assert again.content == bad.content.replace(*ids)
    assert_error(again, 404, bad.json()["error"])


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "caf\u00e9", "tab\tkey", "new\nline"],
    ids=["empty", "256-chars", "non-ascii", "tab", "newline"],
)
def test_malformed_keys_are_400(api, api_user, key):
    response = post_task(api, key=key)
    body = assert_error(response, 400, "invalid_request")
    assert "Idempotency-Key" in body["message"]
    assert balance_of(api_user) == Decimal("10.00")


def test_255_printable_characters_are_a_valid_key(api, api_user):
    assert post_task(api, key="~" * 255).status_code == 201


def test_keys_are_scoped_to_the_callers_account(api, api_user):
    from django.test import Client

    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key

    other = make_user("bob")
    add_funds(other, "1")
    bob = Client(HTTP_AUTHORIZATION=f"Bearer {create_key(other)[1]}")
    assert post_task(api, key="shared").status_code == 201
    response = post_task(bob, key="shared")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response


def test_get_requests_ignore_the_header(api, api_user):
    response = api.get("/v1/account", HTTP_IDEMPOTENCY_KEY="\u00e9")
    assert response.status_code == 200


def test_another_accounts_job_is_not_found(api, api_user):
    from django.test import Client

    from errorkit.keys.api_keys import create_key

    job_id = post_task(api, key="mine").json()["id"]
    other = make_user("mallory")
    mallory = Client(HTTP_AUTHORIZATION=f"Bearer {create_key(other)[1]}")
    assert_error(mallory.get(f"/v1/tasks/{job_id}"), 404, "task_not_found")


def test_async_views_are_refused_when_decorated():
    from django.core.exceptions import ImproperlyConfigured

    import errorkit

    async def view(request):
        return None

    for decorate in (errorkit.idempotent, errorkit.require_balance(cost="1")):
        with pytest.raises(ImproperlyConfigured, match="synchronous views only"):
            decorate(view)


def test_staff_see_a_key_and_its_stored_answer_read_only(api, api_user, staff):
    post_task(api, key="seen-by-support")
    record = IdempotencyRecord.objects.get(key="seen-by-support")
    listed = staff.get(
        "/admin/errorkit_idempotency/idempotencyrecord/?q=seen-by-support"
    )
    assert listed.status_code == 200
    assert b"seen-by-support" in listed.content and b"answer stored" in listed.content
    page = staff.get(
        f"/admin/errorkit_idempotency/idempotencyrecord/{record.pk}/change/"
    )
    assert page.status_code == 200 and b"seen-by-support" in page.content
    # Nothing a retry relies on can be changed or deleted here.
    assert (
        staff.post(
            f"/admin/errorkit_idempotency/idempotencyrecord/{record.pk}/delete/",
            {"post": "yes"},
        ).status_code
        == 403
    )
    assert IdempotencyRecord.objects.filter(pk=record.pk).exists()
