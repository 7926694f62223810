"""errorkit.middleware: JSON errors outside DRF, request ids, the body limit."""

from __future__ import annotations

import logging

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, override_settings

from tests.helpers import assert_error
from tests.views import SECRET_TEXT

pytestmark = pytest.mark.django_db

GENERIC_500 = "Something went wrong on our side. Please try again later."

PLAIN_CASES = {
    "http404": (404, "not_found", {}),
    "permission_denied": (403, "forbidden", {}),
    "ratelimited": (429, "rate_limit_exceeded", {"retryAfter": 60}),
    "suspicious": (400, "invalid_request", {}),
    "bad_request": (400, "invalid_request", {}),
    "too_big": (413, "payload_too_large", {}),
    "django_validation_list": (
        400,
        "invalid_request",
        {"fields": {"non_field_errors": ["Bad value."]}},
    ),
    "bad_gateway": (502, "bad_gateway", {}),
    "service_unavailable": (503, "service_unavailable", {"retryAfter": 30}),
    "boom": (500, "internal_error", {}),
}


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("kind", sorted(PLAIN_CASES))
def test_plain_django_views_answer_json(client, debug, kind):
    status, code, extra = PLAIN_CASES[kind]
    response = client.get(f"/v1/plain/raise/{kind}")
    assert_error(response, status, code, **extra)
    assert SECRET_TEXT not in response.content.decode()


@pytest.mark.parametrize("kind", ["boom", "not_found", "service_unavailable"])
def test_async_views_answer_json(debug, kind):
    status, code, extra = {
        "boom": (500, "internal_error", {}),
        "not_found": (404, "not_found", {}),
        "service_unavailable": (503, "service_unavailable", {"retryAfter": 30}),
    }[kind]
    client = AsyncClient(raise_request_exception=False)
    response = async_to_sync(client.get)(f"/v1/plain/async-raise/{kind}")
    assert_error(response, status, code, **extra)


def test_async_success_carries_the_request_id():
    response = async_to_sync(AsyncClient().get)(
        "/v1/plain/async-ok", headers={"X-Request-ID": "async-1"}
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "async-1"


def test_a_bug_in_a_plain_view_is_reported_once_by_django(
    client, debug, caplog, exception_signals
):
    received = exception_signals
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/v1/plain/raise/boom")
    assert_error(response, 500, "internal_error", GENERIC_500)
    assert len(received) == 1
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].exc_info[0].__name__ == "Boom"


def test_unknown_paths_under_the_api_prefix_are_json_404(client, debug):
    response = client.get("/v1/no/such/thing")
    body = assert_error(response, 404, "not_found")
    assert "tried" not in body["message"] and "v1/models" not in body["message"]


def test_clients_that_accept_only_json_get_json_anywhere(client, debug):
    response = client.get("/no/such/page", HTTP_ACCEPT="application/json")
    assert_error(response, 404, "not_found")


def test_html_pages_keep_djangos_pages(client, debug):
    response = client.get("/no/such/page", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    response = client.get("/html/raise/boom", HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Request-ID"]


def test_admin_keeps_its_html_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_bare_405_keeps_its_allow_header(client, debug):
    response = client.post("/v1/plain/get-only")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_a_json_error_a_view_chose_is_kept(client):
    response = client.get("/v1/plain/json-error")
    assert response.status_code == 409
    assert response.json() == {"custom": "kept"}
    assert response["X-Request-ID"]


def test_csrf_failure_is_json_403(csrf_client):
    response = csrf_client.post("/v1/plain/csrf", {})
    body = assert_error(response, 403, "forbidden")
    assert body["message"].startswith("CSRF verification failed")


@override_settings(CSRF_FAILURE_VIEW="django.views.csrf.csrf_failure")
def test_csrf_failure_is_json_even_with_djangos_failure_view(csrf_client):
    response = csrf_client.post("/v1/plain/csrf", {})
    body = assert_error(response, 403, "forbidden")
    assert body["message"].startswith("CSRF verification failed")


def test_bodies_over_the_limit_are_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = '{"kind": "echo", "payload": "%s"}' % ("x" * 100)
    response = client.post("/v1/tasks", body, content_type="application/json")
    assert_error(
        response,
        413,
        "payload_too_large",
        f"The request body is {len(body)} bytes; the limit is 100 bytes.",
    )


@override_settings(ERRORKIT={"MAX_BODY_SIZE": 10})
def test_max_body_size_setting_applies_to_every_content_type(client):
    response = client.post("/v1/plain/ok", {"f": "x" * 20})
    assert_error(response, 413, "payload_too_large")


def test_multipart_uploads_follow_djangos_exemption(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    response = client.post("/v1/plain/ok", {"f": "x" * 20})
    assert response.status_code == 200


def test_a_broken_content_length_is_400(client):
    response = client.generic(
        "POST",
        "/v1/plain/ok",
        b"{}",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH="12abc",
    )
    assert_error(
        response,
        400,
        "invalid_request",
        "The Content-Length header must be a whole number of bytes.",
    )


@pytest.fixture
def started():
    from errorkit.signals import _api_request_started

    seen: list[str] = []

    def receiver(sender, request, **kwargs):
        seen.append(request.method)

    _api_request_started.connect(receiver, dispatch_uid="tests.started")
    yield seen
    _api_request_started.disconnect(dispatch_uid="tests.started")


def test_api_request_started_is_sent_for_requests_with_a_body(client, started):
    client.get("/v1/test/echo")
    client.post("/v1/test/echo", "", content_type="application/json")
    client.post("/v1/test/echo", '{"a": 1}', content_type="application/json")
    assert started == ["POST"]


@pytest.mark.parametrize(
    "meta, expected",
    [
        ({}, False),
        ({"CONTENT_LENGTH": ""}, False),
        ({"CONTENT_LENGTH": "0"}, False),
        ({"CONTENT_LENGTH": "12"}, True),
        # A broken length is checked (400), so it counts as a body.
        ({"CONTENT_LENGTH": "-1"}, True),
        ({"CONTENT_LENGTH": "x"}, True),
        ({"HTTP_TRANSFER_ENCODING": "chunked"}, True),
    ],
)
def test_what_counts_as_a_body(rf, meta, expected):
    from errorkit.body_size import has_body

    request = rf.get("/v1/x")
    request.META.pop("CONTENT_LENGTH", None)
    request.META.update(meta)
    assert has_body(request) is expected
