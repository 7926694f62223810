"""errorkit.client.messages: what to show a person, as the errors page maps
statuses to UX."""

from __future__ import annotations

import httpx
import pytest

from errorkit.client.errors import APIConnectionError, error_from_response


def said(status: int, **body) -> str:
    body.setdefault("requestId", "req-7")
    return error_from_response(httpx.Response(status, json=body)).user_message


def test_each_status_says_what_to_do():
    assert said(401) == "Sign in or check your API key."
    assert said(402) == "Add funds to your account to continue."
    assert said(403) == "Your API key may not do this."
    assert said(404).startswith("Not found")
    assert said(429, retryAfter=12) == "Too many requests; retry in 12 seconds."
    assert said(429, retryAfter=0.2) == "Too many requests; retry in 1 seconds."
    assert said(400, message="model: This field is required.") == (
        "The request was not accepted: model: This field is required."
    )
    assert said(409) == "The same request is still running; try again in a moment."
    for status in (500, 502, 503):
        assert said(status) == (
            "Something went wrong on our side; try again. If it keeps happening, "
            "contact support and quote request ID req-7."
        )
    assert said(418, message="I'm a teapot.") == "I'm a teapot."


def test_no_answer_says_to_check_the_connection():
    assert APIConnectionError("refused").user_message.startswith(
        "Could not reach the service"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Ajoutez des fonds à votre compte pour continuer."),
        ("de", "Laden Sie Ihr Konto auf, um fortzufahren."),
    ],
)
def test_the_text_is_translated(language, expected):
    from errorkit.client.messages import user_message

    error = error_from_response(httpx.Response(402, json={"error": "x"}))
    assert user_message(error, language) == expected


@pytest.mark.parametrize("language", ["xx", "en"])
def test_a_language_without_a_catalog_falls_back_to_english(language):
    from errorkit.client.messages import user_message

    error = error_from_response(httpx.Response(402, json={"error": "x"}))
    assert user_message(error, language) == "Add funds to your account to continue."
