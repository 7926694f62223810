"""errorkit.client.messages: what to show a person, as the errors page maps
statuses to UX, in English, French and German from the client's own
catalogs (errorkit/client/locale)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import httpx
import polib
import pytest

from errorkit.client import messages
from errorkit.client.errors import APIConnectionError, error_from_response
from errorkit.client.messages import user_message

CATALOGS = Path(messages.__file__).resolve().parent / "locale"


def error_of(status: int, **body):
    body.setdefault("requestId", "req-7")
    return error_from_response(httpx.Response(status, json=body))


def said(status: int, **body) -> str:
    return error_of(status, **body).user_message


def test_each_status_says_what_to_do():
    assert said(401) == "Sign in or check your API key."
    assert said(402) == "Add funds to your account to continue."
    # One code for every 403: the server's sentence says which refusal.
    assert said(403, message="This API key is read-only.") == (
        "Not allowed: This API key is read-only."
    )
    assert said(404) == "Not found: check the address and the IDs in it."
    assert said(429, retryAfter=12) == "Too many requests; retry in 12 seconds."
    assert said(429, retryAfter=0.2) == "Too many requests; retry in 1 seconds."
    assert said(429) == "Too many requests; retry in 1 seconds."
    for status in (400, 413, 415, 422):
        assert said(status, message="kind: This field is required.") == (
            "The request was not accepted: kind: This field is required."
        )
    assert said(409) == "The same request is still running; try again in a moment."
    for status in (500, 502, 503):
        assert said(status) == (
            "Something went wrong on our side; try again. If it keeps happening, "
            "contact support and quote request ID req-7."
        )
    assert said(418, message="I'm a teapot.") == "I'm a teapot."


def test_a_dashboard_link_in_the_body_is_where_the_message_sends_the_person():
    add = "https://dash.example.com/dashboard/balance/add/"
    keys = "https://dash.example.com/dashboard/keys/"
    assert said(402, links={"addFunds": add}) == (
        f"Add funds to your account to continue: {add}"
    )
    assert said(401, links={"keys": keys}) == (
        f"Sign in or check your API key; your keys are at {keys}"
    )
    assert user_message(error_of(402, links={"addFunds": add}), "fr") == (
        f"Ajoutez des fonds à votre compte pour continuer : {add}"
    )


@pytest.mark.parametrize(
    "links",
    [
        None,
        [],
        "https://x.example/",
        {"addFunds": 5},
        {"addFunds": "javascript:alert(1)"},
        {"addFunds": "https://x.example/\nSet-Cookie: a"},
        {"addFunds": "https://x.example/ a"},
        {"addFunds": None},
    ],
)
def test_a_link_that_is_no_web_address_is_not_shown(links):
    error = error_of(402, links=links)
    assert error.links == {}
    assert error.user_message == "Add funds to your account to continue."


def test_a_server_error_without_a_request_id_says_so():
    error = error_from_response(httpx.Response(502, text="<html>bad</html>"))
    assert error.user_message.endswith("quote request ID -.")


def test_no_answer_says_to_check_the_connection():
    assert APIConnectionError("refused").user_message.startswith(
        "Could not reach the service"
    )


@pytest.mark.parametrize(
    ("language", "status", "expected"),
    [
        ("fr", 402, "Ajoutez des fonds à votre compte pour continuer."),
        ("de", 402, "Laden Sie Ihr Konto auf, um fortzufahren."),
        (
            "fr",
            404,
            "Introuvable : vérifiez l'adresse et les identifiants qu'elle contient.",
        ),
        ("de", 404, "Nicht gefunden: prüfen Sie die Adresse und die IDs darin."),
        (
            "de",
            500,
            "Bei uns ist ein Fehler aufgetreten; versuchen Sie es erneut. Falls es "
            "anhält, wenden Sie sich an den Support und nennen Sie die Anfrage-ID "
            "req-7.",
        ),
    ],
)
def test_the_text_is_translated(language, status, expected):
    assert user_message(error_of(status), language) == expected


@pytest.mark.parametrize("language", ["xx", "en"])
def test_a_language_without_a_catalog_falls_back_to_english(language):
    assert user_message(error_of(402), language) == (
        "Add funds to your account to continue."
    )


def msgids_in_source() -> set[str]:
    """Every literal ``_("...")`` of errorkit/client/messages.py."""
    tree = ast.parse(Path(messages.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_message_is_translated_and_compiled(language):
    folder = CATALOGS / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / f"{messages.DOMAIN}.po"))
    wanted = msgids_in_source()
    assert len(wanted) >= 9
    translated = {e.msgid: e.msgstr for e in source.translated_entries()}
    assert wanted - set(translated) == set()
    assert not source.fuzzy_entries()
    with open(folder / f"{messages.DOMAIN}.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for msgid in wanted:
        assert catalog.gettext(msgid) == translated[msgid] != msgid, msgid
    # And the client finds the catalog where it is shipped.
    first = sorted(wanted)[0]
    assert messages.translator(language).gettext(first) == translated[first]
