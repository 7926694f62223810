"""RFC 9457 problem details by negotiation (errorkit.problems): the same error,
as application/problem+json, for a caller that prefers it; the errors page's
body for everyone else."""

from __future__ import annotations

import pytest
from django.test import override_settings

from errorkit.problems import accepted_quality

PREFERS = "application/problem+json, application/json;q=0.9"


def problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["requestId"] == response["X-Request-ID"]
    assert body["status"] == response.status_code
    return body


def test_a_404_as_problem_details(client):
    response = client.get("/v1/test/raise/kind_not_found", HTTP_ACCEPT=PREFERS)
    body = problem(response)
    assert body == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No such model.",
        "instance": "/v1/test/raise/kind_not_found",
        "error": "kind_not_found",
        "requestId": response["X-Request-ID"],
    }


def test_a_429_keeps_retry_after_in_its_header_and_its_member(client):
    response = client.get("/v1/test/raise/rate_limit_exceeded", HTTP_ACCEPT=PREFERS)
    body = problem(response)
    assert body["retryAfter"] == 60 and response["Retry-After"] == "60"
    assert (
        body["title"] == "Too Many Requests" and body["error"] == "rate_limit_exceeded"
    )


def test_a_validation_error_keeps_its_fields(client):
    response = client.post(
        "/v1/test/orders", {}, content_type="application/json", HTTP_ACCEPT=PREFERS
    )
    body = problem(response)
    assert body["status"] == 400 and body["error"] == "invalid_request"
    assert body["fields"] and body["detail"]


def test_a_caller_that_accepts_only_problems_gets_406_as_a_problem(client):
    # A problem document is no answer to a success: JSON must be acceptable.
    response = client.get(
        "/v1/test/raise/rate_limit_exceeded", HTTP_ACCEPT="application/problem+json"
    )
    assert problem(response)["error"] == "not_acceptable"


def test_errors_outside_drf_negotiate_too(client):
    body = problem(client.get("/v1/no/such/path", HTTP_ACCEPT=PREFERS))
    assert (body["status"], body["error"]) == (404, "not_found")


@override_settings(
    ERRORKIT={
        "API_PATH_PREFIXES": ["/v1/"],
        "PROBLEM_TYPE": "https://api.example.com/errors/{error}",
    }
)
def test_the_type_uri_names_the_code(client):
    body = problem(client.get("/v1/test/raise/forbidden", HTTP_ACCEPT=PREFERS))
    assert body["type"] == "https://api.example.com/errors/forbidden"


@pytest.mark.parametrize(
    "accept",
    [
        "",
        "*/*",
        "application/json",
        "application/*",
        "application/json, application/problem+json;q=0.5",
        "application/problem+json;q=0",
    ],
)
def test_everyone_else_gets_the_errors_pages_body(client, accept):
    response = client.get("/v1/test/raise/not_found", HTTP_ACCEPT=accept)
    if response.status_code == 406:  # a caller that accepts no JSON at all
        return
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error", "message", "requestId"}


def test_a_success_is_unchanged_for_a_caller_that_prefers_problems(client):
    response = client.post(
        "/v1/test/echo",
        {"a": 1},
        content_type="application/json",
        HTTP_ACCEPT="application/json, application/problem+json",
    )
    assert response.status_code == 200 and response.json() == {"data": {"a": 1}}


@pytest.mark.parametrize(
    ("accept", "quality"),
    [
        ("application/problem+json", 1.0),
        ("text/html, application/problem+json;q=0.4", 0.4),
        ("application/problem+json;q=abc", 0.0),
        ("application/problem+json;q=7", 0.0),
        ("APPLICATION/PROBLEM+JSON", 1.0),
        ("application/json", 0.0),
    ],
)
def test_accept_qualities(accept, quality):
    assert accepted_quality(accept, "application/problem+json") == quality
