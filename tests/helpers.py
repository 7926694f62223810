"""Assertions on the documented error contract (demo-api.md, "Error body"), and
the requests the tests make of the demo."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse

ECHO_JOB = {"model": "demo-echo", "input": 1}


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


def post_job(client: Any, body: Any = None, *, key: str | None = None, **extra: Any):
    """POST /v1/jobs as JSON (an echo job by default); ``key``: Idempotency-Key."""
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        "/v1/jobs",
        ECHO_JOB if body is None else body,
        content_type="application/json",
        **extra,
    )


def balance_of(user: Any) -> Decimal:
    from errorkit.models import CreditAccount

    return CreditAccount.objects.get(owner=user).balance
