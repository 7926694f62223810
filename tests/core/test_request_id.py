"""errorkit.request_id: echoed when sane, generated otherwise, on every response."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"req_[0-9a-f]{32}")


@pytest.mark.parametrize(
    "path", ["/v1/models", "/v1/models/nope", "/v1/nope", "/html/page"]
)
def test_a_sane_request_id_is_echoed_on_success_and_error(client, path):
    response = client.get(path, HTTP_X_REQUEST_ID="client-42.A_b")
    assert response["X-Request-ID"] == "client-42.A_b"
    if response.status_code >= 400:
        assert response.json()["requestId"] == "client-42.A_b"


def test_200_characters_are_accepted(client):
    value = "a" * 200
    assert client.get("/v1/models", HTTP_X_REQUEST_ID=value)["X-Request-ID"] == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a" * 201,
        "caf\u00e9",
        "\u65e5\u672c",
        "has space",
        'quote"d',
        "semi;colon",
        "<script>",
        "new\nline",
        "slash/es",
    ],
    ids=[
        "empty",
        "too-long",
        "latin1",
        "cjk",
        "space",
        "quote",
        "semicolon",
        "angle",
        "newline",
        "slash",
    ],
)
def test_malformed_request_ids_are_replaced(client, value):
    response = client.get("/v1/models/nope", HTTP_X_REQUEST_ID=value)
    assert GENERATED.fullmatch(response["X-Request-ID"])
    assert response.json()["requestId"] == response["X-Request-ID"]


def test_a_missing_request_id_is_generated_fresh_each_time(client):
    first = client.get("/v1/models")["X-Request-ID"]
    second = client.get("/v1/models")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


@override_settings(ERRORKIT={"TRUST_REQUEST_ID": False})
def test_callers_ids_can_be_ignored(client):
    response = client.get("/v1/models", HTTP_X_REQUEST_ID="client-42")
    assert GENERATED.fullmatch(response["X-Request-ID"])


@override_settings(ERRORKIT={"REQUEST_ID_HEADER": "X-Correlation-ID"})
def test_the_header_name_is_a_setting(client):
    response = client.get("/v1/nope", HTTP_X_CORRELATION_ID="corr-1")
    assert response["X-Correlation-ID"] == "corr-1"
    assert response.json()["requestId"] == "corr-1"


def test_generated_ids_differ_in_every_forked_worker():
    # gunicorn forks its workers: each must draw ids of its own, not replay
    # its parent's sequence.
    import multiprocessing

    from errorkit.request_id import new_request_id

    context = multiprocessing.get_context("fork")
    with context.Pool(3) as pool:
        ids = pool.map(_an_id, range(6))
    ids.append(new_request_id())
    assert len(set(ids)) == len(ids)
    assert all(GENERATED.fullmatch(i) for i in ids)


def _an_id(_: int) -> str:
    from errorkit.request_id import new_request_id

    return new_request_id()


def test_seeding_the_global_random_never_repeats_an_id():
    import random

    from errorkit.request_id import new_request_id

    random.seed(1)
    first = new_request_id()
    random.seed(1)
    assert new_request_id() != first
