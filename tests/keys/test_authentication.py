"""errorkit.keys: APIKeyAuthentication and ReadOnlyKeyPermission, on the test API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from errorkit.keys.api_keys import create_key, hash_key, revoke
from errorkit.keys.models import APIKey
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def with_header(value: str) -> Client:
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=value)


def test_a_valid_key_is_accepted(api):
    assert api.get("/v1/account").status_code == 200


def test_a_missing_key_is_401_with_the_bearer_challenge(client):
    response = client.get("/v1/account")
    assert_error(response, 401, "invalid_api_key")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer sk_a b",
        "Bearer sk_short",
        "Bearer pk_" + "a" * 40,
        "Bearer sk_" + "a" * 31,
        "Bearer sk_" + "\u00e9" * 40,
        "Bearer sk_" + "a" * 40 + ";",
        "Bearer " + "sk_" + "a" * 300,
    ],
    ids=[
        "no-key",
        "two-parts",
        "short",
        "wrong-prefix",
        "31-chars",
        "latin1",
        "odd-char",
        "too-long",
    ],
)
def test_malformed_keys_are_401_invalid_api_key(api_user, header):
    response = with_header(header).get("/v1/account")
    body = assert_error(response, 401, "invalid_api_key")
    assert response["WWW-Authenticate"] == "Bearer"
    # What is wrong with it, never "unknown": the failed request's row says
    # "malformed" too.
    assert "Malformed" in body["message"], body
    assert "unknown" not in body["message"]


def test_an_unknown_key_is_401(api_user):
    response = with_header("Bearer sk_" + "x" * 43).get("/v1/account")
    body = assert_error(response, 401, "invalid_api_key")
    assert "unknown or revoked" in body["message"]


def test_a_revoked_key_is_401(api_user):
    key, secret = create_key(api_user)
    assert with_header(f"Bearer {secret}").get("/v1/account").status_code == 200
    revoke(key)
    assert_error(
        with_header(f"Bearer {secret}").get("/v1/account"), 401, "invalid_api_key"
    )


def test_a_key_of_an_inactive_user_is_401(api_user, api):
    api_user.is_active = False
    api_user.save()
    assert api.get("/v1/account").status_code == 401


def test_only_a_hash_of_the_secret_is_stored(api_user):
    key, secret = create_key(api_user)
    assert secret.startswith("sk_") and len(secret) >= 35
    row = APIKey.objects.filter(pk=key.pk).values().get()
    assert secret not in str(row)
    assert row["hashed_key"] == hash_key(secret)
    assert row["prefix"] == secret[:11]


def test_last_used_is_written_once_per_interval(api, api_user):
    key = APIKey.objects.get(owner=api_user)
    assert key.last_used is None
    api.get("/v1/account")
    first = APIKey.objects.get(pk=key.pk).last_used
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        api.get("/v1/account")
    writes = [q for q in queries if q["sql"].startswith("UPDATE")]
    assert writes == []
    assert APIKey.objects.get(pk=key.pk).last_used == first


def test_a_read_only_key_may_get_but_not_post(api_user):
    secret = create_key(api_user, read_only=True)[1]
    client = with_header(f"Bearer {secret}")
    assert client.get("/v1/account").status_code == 200
    assert client.get("/v1/account").status_code == 200
    response = client.post(
        "/v1/tasks", {"kind": "echo", "payload": 1}, content_type="application/json"
    )
    body = assert_error(response, 403, "forbidden")
    assert "read-only" in body["message"]
