"""errorkit.scrubbing: every denied key, at any depth and in any case; sk_ anywhere."""

from __future__ import annotations

import pytest
from django.test import override_settings

from errorkit.incidents.scrubbing import FILTERED, scrub, scrub_text

DENIED = [
    "Authorization",
    "Cookie",
    "Set-Cookie",
    "X-Api-Key",
    "password",
    "PASSWD",
    "client_secret",
    "refresh-token",
    "apiKey",
    "API_KEY",
    "sessionid",
    "csrftoken",
    "X-CSRFToken",
    "card_number",
    "CardNumber",
    "X-Custom-Auth",
    "X-Card",
    "card",
    "pwd",
    "user_pwd",
    "cc",
    "cc_cvv",
    "cvc",
    "signature",
    "X-Hub-Signature",
    "aws_credentials",
    "privateKey",
]

KEPT = [
    "author",
    "account",
    "access",
    "success",
    "model",
    "input",
    "monkey",
    "bypass_cache",
]


@pytest.mark.parametrize("key", KEPT)
def test_ordinary_keys_are_kept(key):
    assert scrub({key: "value"}) == {key: "value"}


@pytest.mark.parametrize("key", DENIED)
def test_denied_keys_are_filtered_at_any_depth(key):
    data = {"a": [{"b": {key: "s3cr3t", "kept": 1}}], key: {"nested": "s3cr3t"}}
    assert scrub(data) == {"a": [{"b": {key: FILTERED, "kept": 1}}], key: FILTERED}


def test_secret_keys_in_free_text():
    text = "call with sk_live_abcdef123456 then sk_test_zz9 but not sk_ab"
    assert scrub_text(text) == f"call with {FILTERED} then {FILTERED} but not sk_ab"
    assert scrub(["x sk_abcdefgh1"]) == [f"x {FILTERED}"]


@override_settings(ERRORKIT={"SCRUB_KEYS": ["iban"]})
def test_the_list_can_be_extended():
    assert scrub({"User-IBAN": "DE00"}) == {"User-IBAN": FILTERED}


def test_other_keys_and_values_are_kept():
    data = {"kind": "echo", "input": [1, 2.5, None, True], "note": "fine"}
    assert scrub(data) == data


@pytest.mark.parametrize(
    "text",
    [
        "4242424242424242",
        "pay with 4242 4242 4242 4242 today",
        "card=4000-0566-5566-5556&x=1",
        "amex 378282246310005.",
    ],
)
def test_card_numbers_are_recognised_by_value_anywhere(text):
    scrubbed = scrub_text(text)
    assert FILTERED in scrubbed
    assert not any(group in scrubbed for group in ("4242 4242", "42424242", "5556"))


@pytest.mark.parametrize(
    "text", ["order 1234567890123 shipped", "1234 5678 9012 3456", "id 20261125183000"]
)
def test_other_long_numbers_are_kept(text):
    assert scrub_text(text) == text


def test_denied_names_in_free_text_lose_their_values():
    text = 'failed: password=hunter2, user=ann token: "abc def" Authorization: x1'
    assert scrub_text(text) == (
        f"failed: password={FILTERED}, user=ann token: {FILTERED} "
        f"Authorization: {FILTERED}"
    )


@pytest.mark.parametrize(
    "line",
    ["KeyError: 'missing-first'", "APIKeyError: key not found", "TokenWarning: x"],
)
def test_an_exception_named_for_a_key_keeps_its_message(line):
    assert scrub_text(line) == line


def test_a_secret_in_an_exception_message_still_goes():
    assert (
        scrub_text("KeyError: 'password=hunter2'") == f"KeyError: 'password={FILTERED}'"
    )
