"""errorkit.client.errors: every answer becomes the typed error it is, with
the body's fields, whatever the body is made of."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from errorkit import client
from errorkit.client.errors import error_from_response, retry_after_of

DOCUMENTED = {
    400: client.BadRequestError,
    401: client.AuthenticationError,
    402: client.InsufficientBalanceError,
    403: client.PermissionDeniedError,
    404: client.NotFoundError,
    405: client.MethodNotAllowedError,
    406: client.NotAcceptableError,
    409: client.ConflictError,
    413: client.PayloadTooLargeError,
    415: client.UnsupportedMediaTypeError,
    422: client.UnprocessableEntityError,
    429: client.RateLimitError,
    500: client.InternalServerError,
    502: client.BadGatewayError,
    503: client.ServiceUnavailableError,
}


@pytest.mark.parametrize(("status", "cls"), DOCUMENTED.items())
def test_each_documented_status_is_its_own_class(status, cls):
    body = {"error": "some_code", "message": "Said so.", "requestId": "r-1"}
    error = error_from_response(httpx.Response(status, json=body))
    assert type(error) is cls and isinstance(error, client.APIStatusError)
    assert (error.status_code, error.error, error.message, error.request_id) == (
        status,
        "some_code",
        "Said so.",
        "r-1",
    )
    assert str(error) == f"{status} some_code: Said so. (request r-1)"


def test_the_body_fields_are_carried():
    error = error_from_response(
        httpx.Response(
            429,
            json={
                "error": "rate_limit_exceeded",
                "message": "Slow down.",
                "retryAfter": 7,
                "requestId": "r-2",
            },
            headers={"Retry-After": "7"},
        )
    )
    assert error.retry_after == 7.0
    fields = {"input.items.0.name": ["This field is required."]}
    bad = error_from_response(
        httpx.Response(400, json={"error": "invalid_request", "fields": fields})
    )
    assert bad.fields == fields and bad.message == "invalid_request"


def test_a_body_with_only_error_uses_it_as_the_message():
    text = "Insufficient balance. Please add funds to your account."
    error = error_from_response(httpx.Response(402, json={"error": text}))
    assert error.message == text and isinstance(error, client.InsufficientBalanceError)


def test_a_proxys_html_502_still_says_status_and_request_id():
    response = httpx.Response(
        502,
        text="<html><body><h1>502 Bad Gateway</h1></body></html>",
        headers={"Content-Type": "text/html", "X-Request-ID": "edge-9"},
    )
    error = error_from_response(response)
    assert isinstance(error, client.BadGatewayError)
    assert (
        error.message
        == "The server answered 502 Bad Gateway with a non-JSON body (text/html)."
    )
    assert error.request_id == "edge-9" and error.error == ""


@pytest.mark.parametrize(
    "content", [b"", b"[1, 2]", b'"text"', b"\xff\xfe", b"{", b"null"]
)
def test_empty_or_odd_bodies_give_a_clear_error(content):
    error = error_from_response(httpx.Response(503, content=content))
    assert isinstance(error, client.ServiceUnavailableError)
    assert "503" in error.message


def test_an_unknown_status_is_an_unexpected_status_error():
    error = error_from_response(httpx.Response(418, json={"error": "teapot"}))
    assert type(error) is client.UnexpectedStatusError and error.status_code == 418


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        (5, None, 5.0),
        (2.5, "9", 2.5),
        (None, "9", 9.0),
        ("5", "3", 3.0),  # a string in the body is not a number: the header
        (True, None, None),
        (-1, None, None),
        (None, "soon", None),
        (None, "", None),
        (None, "Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a past date: now
    ],
)
def test_retry_after_from_the_body_or_the_header(body, header, expected):
    assert retry_after_of(body, header) == expected


def test_retry_after_as_an_http_date():
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    seconds = retry_after_of(None, format_datetime(when, usegmt=True))
    assert 28 <= seconds <= 30


def test_no_answer_has_no_status_and_says_whether_the_request_left():
    never = client.APIConnectionError("refused", sent=False)
    maybe = client.APIConnectionError("reset")
    assert never.status_code is None and never.sent is False
    assert maybe.sent is True and maybe.attempts == 1
    assert str(never) == "refused"
