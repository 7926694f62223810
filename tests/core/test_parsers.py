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


@pytest.mark.parametrize(
    "value",
    [
        # Brackets and quotes inside strings are text, not nesting.
        {"a": "[" * 200, "b": "{" * 200},
        {"a": '\\"[[[' * 50, "b": "\\\\" + "]" * 80},
        # Escapes that look like the refused ones, but are a backslash's text.
        {"a": "\\u0000 and \\ud800"},
        # Long digit runs inside strings, a long exponent that is finite.
        {"a": "9" * 5_000, "b": 1e-300, "c": 1.5e300},
        # Many objects, not deep ones.
        {"items": [{"n": n, "tags": [str(n)]} for n in range(200)]},
    ],
)
def test_bodies_that_only_look_hostile_go_through(client, value):
    response = post(client, json.dumps(value))
    assert response.status_code == 200, response.content
    assert response.json()["data"] == value


def test_depth_is_counted_outside_strings(client):
    within = '{"s": "' + "[" * 100 + '", "v": ' + "[" * 63 + "]" * 63 + "}"
    assert post(client, within).status_code == 200
    beyond = '{"s": "' + "]" * 100 + '", "v": ' + "[" * 64 + "]" * 64 + "}"
    refused(post(client, beyond), "nested more than 64 levels")


def test_nesting_depth_agrees_with_the_decoded_value():
    # The C-speed count against a walk of the decoded value, on random JSON
    # full of brackets, quotes and backslashes inside its strings.
    import random

    from errorkit.parsers import nested_deeper_than

    def depth(value):
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    pieces = ["[", "]", "{", "}", '"', "\\", "\n", "a", "é", '\\"', "\\\\", '""']
    rng = random.Random(15)

    def text():
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))

    def value(level):
        roll = rng.random()
        if level > 12 or roll < 0.3:
            return text()
        if roll < 0.6:
            return [value(level + 1) for _ in range(rng.randint(0, 3))]
        return {text(): value(level + 1) for _ in range(rng.randint(0, 3))}

    for _ in range(3000):
        data = value(0)
        encoded = json.dumps(data, ensure_ascii=rng.random() < 0.5).encode()
        actual = depth(data)
        for limit in {0, max(actual - 1, 0), actual, actual + 1}:
            assert nested_deeper_than(encoded, limit) is (actual > limit)


# -- DRF's own JSONParser, behind errorkit's exception handler ---------------
# A project that followed the quickstart without errorkit's parser (DRF's
# default parsers, or parser_classes naming DRF's) still answers every body
# it cannot parse with errorkit's sentence: never a 500, never DRF's text.

TOO_DEEP = "The body is nested more than 64 levels deep."
NOT_UTF8 = "The body is not valid UTF-8 text."
# What DRF's JSONParser says, quoting the codec or the decoder.
DRF_WORDS = (*LEAKS, "JSON parse error", "decode", "0xff", "recursion", "Unsupported")
drf_parser_urls = override_settings(ROOT_URLCONF="tests.core.urlconfs.parsers")


def post_to_drf_parser(
    client, body: bytes | str, path: str = "/v1/drf-parser", **extra
) -> dict:
    response = client.post(path, body, content_type="application/json", **extra)
    body = assert_error(response, 400, "invalid_request")
    assert not any(word in response.content.decode() for word in DRF_WORDS), body
    return body


@drf_parser_urls
@pytest.mark.parametrize("path", ["/v1/drf-parser", "/v1/drf-parser-function"])
@pytest.mark.parametrize(
    "body, message",
    [
        (b"[" * 100_000, TOO_DEEP),
        # Never closed: Python 3.13's decoder reads to the end and fails
        # there, older ones meet the recursion limit first (both true).
        (
            b'{"a":' * 3000,
            (TOO_DEEP, "The body is not valid JSON (line 1, column 15001)."),
        ),
        (b'{"a": "\xff"}', NOT_UTF8),
        (b'{"a": "\xed\xa0\x80"}', NOT_UTF8),  # a surrogate, encoded
    ],
)
def test_drf_parser_failures_answer_errorkits_sentence(client, path, body, message):
    expected = message if isinstance(message, tuple) else (message,)
    assert post_to_drf_parser(client, body, path)["message"] in expected


@drf_parser_urls
def test_drf_parser_malformed_json_gets_the_line_and_column(client):
    message = post_to_drf_parser(client, '{"a": 1,\n "b"}')["message"]
    assert message.startswith("The body is not valid JSON (line 2, column ")


@drf_parser_urls
def test_drf_parser_non_finite_number_is_not_json(client):
    assert post_to_drf_parser(client, '{"n": NaN}')["message"] == (
        "The body is not valid JSON."
    )


@drf_parser_urls
def test_drf_parser_charset_that_is_no_text_encoding(client):
    import bz2

    response = client.generic(
        "POST",
        "/v1/drf-parser",
        bz2.compress(b'{"a": 1}' * 1000),
        "application/json; charset=bz2_codec",
    )
    body = assert_error(response, 400, "invalid_request")
    import rest_framework

    if tuple(int(n) for n in rest_framework.VERSION.split(".")[:2]) >= (3, 18):
        # DRF 3.18 refuses the charset itself: errorkit's sentence for it.
        expected = "The charset named in Content-Type is not supported: send UTF-8."
    else:
        # Older DRF decodes with it and fails on what comes out.
        expected = "The body is not valid JSON (line 1, column 9)."
    assert body["message"] == expected


@drf_parser_urls
def test_drf_parser_good_body_goes_through(client):
    response = client.post("/v1/drf-parser", {"a": [1, {"b": "é"}]}, "application/json")
    assert response.status_code == 200
    assert response.json() == {"data": {"a": [1, {"b": "é"}]}}


@drf_parser_urls
def test_a_recursion_error_outside_a_parser_is_still_a_bug(client):
    response = client.post("/v1/recursing", {"a": 1}, "application/json")
    body = assert_error(response, 500, "internal_error")
    assert "nested" not in body["message"]


@drf_parser_urls
def test_a_parse_error_a_view_raises_from_a_value_error_keeps_its_message(client):
    """Only DRF's parser's own text is replaced: where the error was raised
    tells them apart, not what it was raised from."""
    response = client.post("/v1/parse-error", {"n": "x"}, "application/json")
    assert_error(response, 400, "invalid_request", "Column n is not a number.")
