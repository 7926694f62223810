"""errorkit.parsers.JSONParser: every hostile body is a 400 with a sentence
for people, never a 5xx and never a parser's exception text."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from tests.helpers import assert_error

# What a message must never quote: the parser's, the codec's, Python's words.
LEAKS = (
    "Expecting",
    "codec",
    "position",
    "char ",
    "set_int_max_str_digits",
    "line 1 column 1 (char",
)


def post(client, body: bytes | str, content_type: str = "application/json"):
    return client.post("/v1/test/echo", body, content_type=content_type)


def refused(response, fragment: str) -> str:
    body = assert_error(response, 400, "invalid_request")
    message = body["message"]
    assert fragment in message, message
    assert not any(leak in message for leak in LEAKS), message
    return message


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("[" * 100_000, "nested more than 64 levels"),
        ('{"input": ' + "[" * 5_000 + "]" * 5_000 + "}", "nested more than 64 levels"),
        ('{"input": ' + "[" * 65 + "]" * 65 + "}", "nested more than 64 levels"),
        ('{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        ('{"a": "x\\udc00y"}', "lone UTF-16 surrogate"),
        ('{"\\ud800": 1}', "lone UTF-16 surrogate"),
        ('{"a": "a\\u0000b"}', "NUL character"),
        ('{"a\\u0000": 1}', "NUL character"),
        ('{"n": ' + "9" * 5_000 + "}", "more than 4300 digits"),
        ('{"n": -' + "9" * 5_000 + "}", "more than 4300 digits"),
        ('{"n": 1e999}', "too large"),
        ('{"n": NaN}', "is not JSON"),
        ('{"n": -Infinity}', "is not JSON"),
        # Python 3.13 places a trailing comma's error one column earlier.
        ('{"a": 1,}', "not valid JSON (line 1, column "),
        ('"\x00"', "not valid JSON"),
    ],
)
def test_hostile_json_is_refused_with_a_sentence(client, body, fragment):
    refused(post(client, body), fragment)


def test_invalid_utf8_says_so_without_the_codec(client):
    message = refused(post(client, b'{"a": "\xff\xfe"}'), "not valid UTF-8 text")
    assert "0xff" not in message


@override_settings(ERRORKIT={"JSON_MAX_DEPTH": 3})
def test_the_depth_limit_is_a_setting(client):
    assert post(client, '{"a": {"b": [1]}}').status_code == 200
    refused(post(client, '{"a": {"b": [[1]]}}'), "more than 3 levels")


@pytest.mark.parametrize(
    "value",
    [
        "\U0001f600",  # a surrogate pair in JSON: a real character
        "é ü ß 中",
        "\t tab and \n newline",
        10**4299,
        -1.5e308,
        [[[[["deep but fine"]]]]],
        {"": None, "true": True, "false": False},
    ],
)
def test_good_json_of_every_kind_goes_through_and_renders(client, value):
    response = post(client, json.dumps({"v": value}))
    assert response.status_code == 200
    assert response.json()["data"] == {"v": value}


@pytest.mark.parametrize("charset", ["bz2_codec", "zlib_codec", "hex_codec"])
def test_a_charset_that_is_not_a_text_encoding_is_refused(client, charset):
    import bz2

    body = bz2.compress(b'{"a": 1}' * 1000)
    # generic(): the body goes as these bytes (post() would re-encode them).
    response = client.generic(
        "POST", "/v1/test/echo", body, f"application/json; charset={charset}"
    )
    refused(response, "is not supported: send UTF-8")


def test_a_latin_1_body_is_read_as_latin_1(client):
    response = client.generic(
        "POST",
        "/v1/test/echo",
        '{"name": "café"}'.encode("latin-1"),
        "application/json; charset=latin-1",
    )
    assert response.status_code == 200 and response.json()["data"] == {"name": "café"}
