"""errorkit.views: Django's handler views, JSON for API requests, HTML for the rest."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited

from errorkit import views
from errorkit.compat.django import was_logged

factory = RequestFactory()


def body(response):
    return json.loads(response.content)


@pytest.mark.parametrize(
    "view,exception,status,code",
    [
        (views.handler400, None, 400, "invalid_request"),
        (views.handler400, RequestDataTooBig(), 413, "payload_too_large"),
        (views.handler403, PermissionDenied(), 403, "forbidden"),
        (views.handler403, Ratelimited(), 429, "rate_limit_exceeded"),
        (views.handler404, Http404(), 404, "not_found"),
        (views.handler404, None, 404, "not_found"),
    ],
)
def test_api_requests_get_json(view, exception, status, code):
    request = factory.get("/v1/x")
    response = view(request, exception)
    assert response.status_code == status
    assert body(response)["error"] == code
    assert (
        body(response)["requestId"]
        == response["X-Request-ID"]
        == request.errorkit.request_id
    )


def test_handler500_is_generic_json_and_reports_nothing_itself():
    response = views.handler500(factory.get("/v1/x"))
    assert response.status_code == 500
    assert body(response)["error"] == "internal_error"
    assert not was_logged(response)


@pytest.mark.parametrize(
    "view,args,status",
    [
        (views.handler400, (None,), 400),
        (views.handler403, (PermissionDenied(),), 403),
        (views.handler404, (Http404(),), 404),
        (views.handler500, (), 500),
    ],
)
def test_html_requests_get_djangos_pages(view, args, status):
    response = view(factory.get("/page", HTTP_ACCEPT="text/html"), *args)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


def test_csrf_failure_html_outside_the_api():
    response = views.csrf_failure(factory.post("/form"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_csrf_failure_json_on_the_api():
    response = views.csrf_failure(factory.post("/v1/x"), reason="CSRF cookie not set.")
    assert body(response)["message"] == "CSRF verification failed: CSRF cookie not set."
