"""errorkit.incidents.secrets: secrets recognised by their value, under any
name and in free text, and look-alikes kept."""

from __future__ import annotations

import json

import pytest

from errorkit.incidents.scrubbing import scrub, scrub_text
from errorkit.incidents.secrets import FILTERED, is_random, redact
from tests.planted import KEPT, PEM, SECRETS, body


def leaked(text: str) -> list[str]:
    squeezed = text.replace(" ", "")
    return [
        name
        for name, value in SECRETS.items()
        if value in text or value.replace(" ", "") in squeezed
    ]


# Recognised by what surrounds them: see the next test.
BY_CONTEXT = {"bearer", "url_password", "argv_password", "flag_token", "pem"}


@pytest.mark.parametrize("name", sorted(set(SECRETS) - BY_CONTEXT))
def test_each_secret_is_filtered_in_free_text(name):
    value = SECRETS[name]
    assert redact(f"before {value} after") == f"before {FILTERED} after"


def test_secrets_recognised_by_what_surrounds_them():
    s = SECRETS
    assert scrub_text(f"sent with Bearer {s['bearer']}") == (
        f"sent with Bearer {FILTERED}"
    )
    assert scrub_text(f"https://ann:{s['url_password']}@example.com") == (
        f"https://ann:{FILTERED}@example.com"
    )
    assert scrub_text(f"run --password {s['argv_password']} now") == (
        f"run --password {FILTERED} now"
    )
    assert scrub_text(f"run --token={s['flag_token']}") == f"run --token={FILTERED}"
    assert scrub_text(f"key:\n{PEM}\nend") == f"key:\n-----{FILTERED}\nend"


def test_a_whole_body_keeps_no_secret_and_stays_json():
    scrubbed = scrub(body())
    text = json.dumps(scrubbed)
    assert leaked(text) == []
    assert scrubbed["args"] == ["--verbose", "--password", FILTERED, "run"]
    assert scrubbed["items"][0]["n"] == FILTERED  # a card sent as a number
    assert scrubbed["payout_account"] == FILTERED
    assert scrubbed["comment"] == f"pay to {FILTERED} thanks"
    json.loads(text)


@pytest.mark.parametrize("value", KEPT)
def test_look_alikes_are_kept(value):
    assert scrub_text(value) == value
    assert scrub({"v": value}) == {"v": value}


def test_random_means_many_distinct_characters_evenly():
    assert is_random(SECRETS["random"])
    assert is_random("0f" * 4 + "a3b9c7d1e5f20846" * 3)  # 56 hex digits
    assert not is_random("a" * 40)
    assert not is_random("ThisIsALongCamelCaseIdentifier2")
    assert not is_random("3f2a1b0c9d8e7f5f0c2d9e8b7a4c1d9e")  # a UUID's 32 hex


@pytest.mark.parametrize(
    "text",
    [
        "\x00" * 50,
        "\ud800 lone surrogate AKIAQX3VJ7TTRWZ5EXMP",
        "9" * 5000,
        "eyJ" * 2000,
        "-----BEGIN RSA PRIVATE KEY-----",
        "DE" + "9" * 40,
    ],
)
def test_hostile_text_is_scrubbed_without_error(text):
    assert isinstance(scrub_text(text), str)
