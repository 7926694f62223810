"""errorkit.pages: Django's own pages on API paths become the JSON error they
mean. A CSRF refusal is a 403 that says so, with or without CSRF_FAILURE_VIEW
(other 403 pages stay generic); a Host not in ALLOWED_HOSTS is 403, DEBUG on or
off."""

from __future__ import annotations

import pytest
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.test import Client, override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from errorkit.views import handler400, handler403, handler404, handler500  # noqa: F401
from tests.helpers import assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CSRF_REJECTED = (
    "CSRF verification failed: the CSRF cookie or token is missing or wrong, or "
    "the request's Origin or Referer is not trusted."
)
NOT_ALLOWED = "You are not allowed to perform this request."
WRONG_HOST = "This API does not serve the host this request names."


def form(request: HttpRequest) -> HttpResponse:
    """A plain Django view, guarded by CsrfViewMiddleware."""
    return JsonResponse({"ok": True}, status=201)


def bad(request: HttpRequest) -> HttpResponse:
    """A plain view that answers Django's HTML 400 itself."""
    return HttpResponseBadRequest("<h1>Bad Request</h1>")


def refuses(request: HttpRequest) -> HttpResponse:
    """A plain view that answers Django's HTML 403 itself."""
    return HttpResponseForbidden("<h1>Forbidden</h1>")


urlpatterns = [
    path("v1/form", form),
    path("v1/refuses", refuses),
    path("v1/bad", bad),
    path("v1/exempt-refuses", csrf_exempt(refuses)),
    path("form", form),
]

DJANGOS_FAILURE_VIEW = override_settings(
    CSRF_FAILURE_VIEW="django.views.csrf.csrf_failure"
)


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@DJANGOS_FAILURE_VIEW
def test_without_errorkits_failure_view_the_json_403_still_says_csrf(csrf_client):
    response = csrf_client.post("/v1/form", {"a": "1"})
    body = assert_error(response, 403, "forbidden", CSRF_REJECTED)
    assert body["requestId"] == response["X-Request-ID"]


@DJANGOS_FAILURE_VIEW
def test_a_csrf_refusal_outside_the_api_keeps_djangos_page(csrf_client):
    response = csrf_client.post("/form", {"a": "1"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_with_errorkits_failure_view_the_403_gives_djangos_reason(csrf_client):
    response = csrf_client.post("/v1/form", {"a": "1"})
    assert_error(
        response,
        403,
        "forbidden",
        "CSRF verification failed: CSRF cookie not set.",
    )


@DJANGOS_FAILURE_VIEW
def test_a_request_with_its_token_reaches_the_view(csrf_client):
    csrf_client.cookies["csrftoken"] = "a" * 32
    response = csrf_client.post("/v1/form", {"a": "1"}, HTTP_X_CSRFTOKEN="a" * 32)
    assert response.status_code == 201


@DJANGOS_FAILURE_VIEW
@pytest.mark.parametrize(
    "method,route,enforce",
    [
        # The view's own 403 once CSRF let the request through.
        ("post", "/v1/refuses", False),
        # A view exempt from CSRF (as every DRF view is) was not refused by it.
        ("post", "/v1/exempt-refuses", True),
        # A safe method is never checked.
        ("get", "/v1/refuses", True),
    ],
)
def test_a_views_own_403_is_not_called_a_csrf_failure(method, route, enforce):
    response = getattr(Client(enforce_csrf_checks=enforce), method)(route)
    assert_error(response, 403, "forbidden", NOT_ALLOWED)


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_host_the_api_does_not_serve_is_403_debug_on_or_off(settings, debug):
    # With DEBUG on Django renders its own 400 page instead of handler400.
    settings.DEBUG = debug
    response = Client().get("/v1/form", HTTP_HOST="evil.example")
    body = assert_error(response, 403, "forbidden", WRONG_HOST)
    assert "evil.example" not in body["message"]


def test_a_views_own_400_page_on_a_served_host_stays_400(settings):
    settings.DEBUG = True
    response = Client().get("/v1/bad")
    assert_error(response, 400, "invalid_request")
