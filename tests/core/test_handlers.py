"""errorkit.handlers: every status, exact bodies and headers, from DRF views."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings
from django.utils import translation

from tests.helpers import assert_error
from tests.views import SECRET_TEXT

pytestmark = pytest.mark.django_db

GENERIC_500 = "Something went wrong on our side. Please try again later."

# kind raised in the view -> status, code, message (None: any), extra body fields
CASES = {
    "invalid_request": (400, "invalid_request", None, {}),
    "drf_parse": (400, "invalid_request", None, {}),
    "suspicious": (400, "invalid_request", None, {}),
    "bad_request": (400, "invalid_request", None, {}),
    "invalid_api_key": (401, "invalid_api_key", None, {}),
    "drf_not_authenticated": (401, "invalid_api_key", None, {}),
    "drf_authentication_failed": (401, "invalid_api_key", "Key revoked.", {}),
    "insufficient_balance": (
        402,
        "insufficient_balance",
        "Insufficient balance. Please add funds to your account.",
        {},
    ),
    "forbidden": (403, "forbidden", None, {}),
    "drf_permission_denied": (403, "forbidden", None, {}),
    "permission_denied": (403, "forbidden", None, {}),
    "not_found": (404, "not_found", None, {}),
    "drf_not_found": (404, "not_found", None, {}),
    "http404": (404, "not_found", "No Widget matches the given query.", {}),
    "kind_not_found": (404, "kind_not_found", "No such model.", {}),
    "method_not_allowed": (405, "method_not_allowed", None, {}),
    "drf_method_not_allowed": (
        405,
        "method_not_allowed",
        'Method "PUT" not allowed.',
        {},
    ),
    "drf_not_acceptable": (406, "not_acceptable", None, {}),
    "idempotency_conflict": (409, "idempotency_conflict", None, {"retryAfter": 2}),
    "payload_too_large": (413, "payload_too_large", None, {}),
    "too_big": (413, "payload_too_large", None, {}),
    "unsupported_media_type": (415, "unsupported_media_type", None, {}),
    "drf_unsupported_media_type": (415, "unsupported_media_type", None, {}),
    "idempotency_key_reused": (422, "idempotency_key_reused", None, {}),
    "rate_limit_exceeded": (
        429,
        "rate_limit_exceeded",
        "Too many requests. Please slow down.",
        {"retryAfter": 60},
    ),
    "drf_throttled": (429, "rate_limit_exceeded", None, {"retryAfter": 13}),
    "ratelimited": (429, "rate_limit_exceeded", None, {"retryAfter": 60}),
    "internal_error": (500, "internal_error", GENERIC_500, {}),
    "boom": (500, "internal_error", GENERIC_500, {}),
    "key_error": (500, "internal_error", GENERIC_500, {}),
    "bad_gateway": (502, "bad_gateway", None, {}),
    "service_unavailable": (503, "service_unavailable", None, {"retryAfter": 30}),
    "service_unavailable_no_wait": (
        503,
        "service_unavailable",
        None,
        {"retryAfter": 60},
    ),
}


@pytest.mark.parametrize("view", ["raise", "raise-fn"])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_status_has_the_documented_body(client, view, kind):
    status, code, message, extra = CASES[kind]
    response = client.get(f"/v1/test/{view}/{kind}")
    assert_error(response, status, code, message, **extra)
    assert SECRET_TEXT not in response.content.decode()


@pytest.mark.parametrize(
    "kind,retry_after",
    [
        ("rate_limit_exceeded", "60"),
        ("drf_throttled", "13"),
        ("ratelimited", "60"),
        ("service_unavailable", "30"),
        ("idempotency_conflict", "2"),
    ],
)
def test_retry_after_header_matches_the_body(client, kind, retry_after):
    response = client.get(f"/v1/test/raise/{kind}")
    assert response["Retry-After"] == retry_after
    assert str(response.json()["retryAfter"]) == retry_after


def test_throttled_without_a_wait_still_says_when_to_come_back(client):
    response = client.get("/v1/test/raise/drf_throttled_no_wait")
    assert_error(response, 429, "rate_limit_exceeded", retryAfter=60)
    assert response["Retry-After"] == "60"


@override_settings(ERRORKIT={"DEFAULT_RETRY_AFTER": 5})
def test_default_retry_after_is_a_setting(client):
    response = client.get("/v1/test/raise/ratelimited")
    assert response.json()["retryAfter"] == 5
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize(
    "kind", ["invalid_api_key", "drf_not_authenticated", "drf_authentication_failed"]
)
def test_401_carries_www_authenticate(client, kind):
    response = client.get(f"/v1/test/raise/{kind}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("kind", ["method_not_allowed", "drf_method_not_allowed"])
def test_405_carries_allow(client, kind):
    response = client.get(f"/v1/test/raise/{kind}")
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_405_for_a_wrong_method_on_a_real_endpoint(client):
    response = client.delete("/v1/test/orders")
    assert_error(response, 405, "method_not_allowed", 'Method "DELETE" not allowed.')
    assert response["Allow"] == "POST, OPTIONS"


def test_no_retry_after_where_no_wait_is_meant(client):
    for kind in ("bad_gateway", "internal_error", "not_found", "insufficient_balance"):
        response = client.get(f"/v1/test/raise/{kind}")
        assert "Retry-After" not in response
        assert "retryAfter" not in response.json()


def test_a_dict_detail_on_a_non_validation_error_is_data(client):
    response = client.get("/v1/test/raise/drf_custom_dict")
    body = assert_error(response, 500, "error", detail={"quota": "used up"})
    assert "fields" not in body


@pytest.mark.parametrize("debug", [False, True])
def test_500_body_is_generic_with_debug_on_and_off(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/v1/test/raise/boom")
    assert_error(response, 500, "internal_error", GENERIC_500)
    text = response.content.decode()
    assert "Boom" not in text and SECRET_TEXT not in text and "Traceback" not in text


def test_500_sends_got_request_exception(client, exception_signals):
    received = exception_signals
    response = client.get("/v1/test/raise/boom")
    assert response.status_code == 500
    assert len(received) == 1
    assert received[0].path == "/v1/test/raise/boom"
    assert received[0].errorkit.request_id == response["X-Request-ID"]


def test_500_is_logged_to_django_request_with_the_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/v1/test/raise/boom")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1, "logged exactly once, not again by Django's handler"
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.status_code == 500
    assert record.exc_info[0].__name__ == "Boom"
    assert record.request.errorkit.request_id == response["X-Request-ID"]


def test_known_errors_send_no_exception_signal(client, exception_signals):
    received = exception_signals
    client.get("/v1/test/raise/bad_gateway")
    client.get("/v1/test/raise/not_found")
    assert received == []


@override_settings(ERRORKIT={"MESSAGES": {"rate_limit_exceeded": "Easy there."}})
def test_messages_can_be_overridden_per_code(client):
    response = client.get("/v1/test/raise/rate_limit_exceeded")
    assert_error(response, 429, "rate_limit_exceeded", "Easy there.", retryAfter=60)


def custom_formatter(error):
    return {"type": error.code, "status": error.status, "id": error.request_id}


@override_settings(ERRORKIT={"FORMATTER": "tests.core.test_handlers.custom_formatter"})
def test_formatter_hook_shapes_the_body(client):
    response = client.get("/v1/test/raise/not_found")
    assert response.json() == {
        "type": "not_found",
        "status": 404,
        "id": response["X-Request-ID"],
    }


def test_messages_follow_the_active_language(client):
    with translation.override("fr"):
        response = client.post("/v1/test/orders", {}, content_type="application/json")
    assert response.json()["fields"]["model"] == ["Ce champ est obligatoire."]


@pytest.fixture
def atomic_requests():
    """ATOMIC_REQUESTS on the default database for one test."""
    from django.db import connection

    connection.settings_dict["ATOMIC_REQUESTS"] = True
    yield
    connection.settings_dict["ATOMIC_REQUESTS"] = False


@pytest.mark.parametrize("kind", ["drf_validation", "boom", "bad_gateway"])
def test_errors_roll_back_the_request_transaction(client, atomic_requests, kind):
    from tests.testapp.models import Task

    response = client.post(f"/v1/test/write-then-fail/{kind}")
    assert response.status_code >= 400
    assert Task.objects.count() == 0


def test_without_the_middleware_the_handler_still_sets_the_request_id(client, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "errorkit.middleware.ErrorkitMiddleware"
    ]
    response = client.get("/v1/test/raise/not_found", HTTP_X_REQUEST_ID="no-mw-1")
    assert_error(response, 404, "not_found", requestId="no-mw-1")
    assert response["X-Request-ID"] == "no-mw-1"
