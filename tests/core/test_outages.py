"""A backing service that cannot be reached is a 503 with retryAfter, one
incident-worthy fingerprint, and never a 500 with its exception text."""

from __future__ import annotations

import pytest
from django.test import override_settings

from errorkit.conversion import OUTAGE_FINGERPRINT, convert_exception
from tests.helpers import assert_error


@pytest.mark.parametrize("path", ["/v1/test/raise/db_down", "/v1/plain/raise/db_down"])
def test_an_unreachable_database_is_503_with_retry_after(client, path):
    response = client.get(path)
    body = assert_error(response, 503, "service_unavailable", retryAfter=5)
    assert response["Retry-After"] == "5"
    assert "10.0.0.5" not in body["message"] and "5432" not in body["message"]


@override_settings(ERRORKIT={"OUTAGE_RETRY_AFTER": 30})
def test_the_wait_is_a_setting(client):
    assert client.get("/v1/test/raise/db_down").json()["retryAfter"] == 30


def test_every_outage_shares_one_fingerprint():
    from django.db import InterfaceError, OperationalError

    errors = [convert_exception(e("down")) for e in (OperationalError, InterfaceError)]
    assert {e.fingerprint for e in errors} == {OUTAGE_FINGERPRINT}


def test_a_constraint_or_a_bad_query_is_still_a_bug():
    from django.db import IntegrityError, ProgrammingError

    assert convert_exception(IntegrityError("dup")) is None
    assert convert_exception(ProgrammingError("syntax")) is None


def test_a_host_the_api_does_not_serve_is_403(client):
    response = client.get("/v1/test/raise/not_found", HTTP_HOST="evil.example")
    body = assert_error(response, 403, "forbidden")
    assert "evil.example" not in body["message"]
