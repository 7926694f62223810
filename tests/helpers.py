"""Assertions on the documented error contract (demo-api.md, "Error body")."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


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
