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
]


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
