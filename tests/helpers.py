"""Assertions on the documented error contract (demo-api.md, "Error body"), and
the requests the library tests make of their own paid API (tests.testapp)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse

ECHO_TASK = {"kind": "echo", "payload": 1}


def assert_error(
    response: HttpResponse,
    status: int,
    code: str,
    message: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The response is the documented error: status, JSON body, request id."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    request_id = response["X-Request-ID"]
    expected = {"error": code, "message": body.get("message"), "requestId": request_id}
    expected.update(extra)
    assert body == expected
    assert isinstance(body["message"], str) and body["message"]
    if message is not None:
        assert body["message"] == message
    return body


def post_json(client: Any, path: str, body: Any, key: str | None, **extra: Any):
    """POST ``body`` as JSON; ``key``: its Idempotency-Key."""
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, body, content_type="application/json", **extra)


def post_task(client: Any, body: Any = None, *, key: str | None = None, **extra: Any):
    """POST /v1/tasks (an echo task by default)."""
    body = ECHO_TASK if body is None else body
    return post_json(client, "/v1/tasks", body, key, **extra)


def balance_of(user: Any) -> Decimal:
    from errorkit.billing.models import CreditAccount

    return CreditAccount.objects.get(owner=user).balance


def run_command(*args: str) -> str:
    """A management command's stdout."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def lapse(hold: Any) -> None:
    """Let time pass for a placed hold: its expiry is now behind it."""
    from datetime import timedelta

    from django.utils import timezone

    from errorkit.billing.models import Hold

    Hold.objects.filter(pk=hold.hold_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
