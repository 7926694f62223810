"""errorkit.ratelimit on every kind of view: 429 body, headers, stacking, keys."""

from __future__ import annotations

import functools

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, override_settings

import errorkit
from tests.helpers import assert_error

# Windows on a controlled clock: no test can straddle a real window's edge.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_clock")]

VIEWS = ["plain", "apiview", "api-function", "viewset"]


@pytest.mark.parametrize("view", VIEWS)
def test_third_request_in_a_minute_is_429_with_an_honest_wait(client, fake_clock, view):
    fake_clock.now = 3_000_000.0
    for remaining in (1, 0):
        response = client.get(f"/v1/limited/{view}")
        assert response.status_code == 200
        assert response["RateLimit-Policy"] == '"2-per-60s";q=2;w=60'
        assert response["RateLimit"].startswith(f'"2-per-60s";r={remaining};t=')
    response = client.get(f"/v1/limited/{view}")
    body = assert_error(
        response,
        429,
        "rate_limit_exceeded",
        "Too many requests. Please slow down.",
        retryAfter=response.json()["retryAfter"],
    )
    assert 1 <= body["retryAfter"] <= 60
    assert response["Retry-After"] == str(body["retryAfter"])
    assert response["RateLimit"] == f'"2-per-60s";r=0;t={body["retryAfter"]}'
    assert "RateLimit" in response["Access-Control-Expose-Headers"]
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("view", VIEWS)
def test_limits_are_per_ip_by_that_key(client, view):
    for _ in range(2):
        client.get(f"/v1/limited/{view}", REMOTE_ADDR="10.0.0.1")
    assert client.get(f"/v1/limited/{view}", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(f"/v1/limited/{view}", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_async_views_are_limited():
    client = AsyncClient()
    statuses = [
        async_to_sync(client.get)("/v1/limited/async").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    response = async_to_sync(client.get)("/v1/limited/async")
    assert_error(
        response, 429, "rate_limit_exceeded", retryAfter=response.json()["retryAfter"]
    )
    assert response["Retry-After"] == str(response.json()["retryAfter"])


def test_stacked_limits_report_the_longest_wait(client, fake_clock):
    fake_clock.now = 4_000_000.2
    assert [client.get("/v1/limited/stacked").status_code for _ in range(2)] == [
        200,
        200,
    ]
    burst = client.get("/v1/limited/stacked")  # burst exceeded, hourly at 3 of 3
    assert burst.status_code == 429 and burst.json()["retryAfter"] == 1
    fake_clock.now += 1
    hourly = client.get("/v1/limited/stacked")  # burst fine again, hourly exceeded
    assert hourly.status_code == 429
    hourly_wait = hourly.json()["retryAfter"]
    assert 1 < hourly_wait <= 3600
    both = client.get("/v1/limited/stacked")
    both = client.get("/v1/limited/stacked")  # both exceeded now
    assert both.json()["retryAfter"] == hourly_wait
    assert both["RateLimit-Policy"] == '"burst";q=2;w=1, "hourly";q=3;w=3600'


def test_header_keys_count_per_header_value(client):
    assert client.get("/v1/limited/tenant", HTTP_X_TENANT="a").status_code == 200
    assert client.get("/v1/limited/tenant", HTTP_X_TENANT="a").status_code == 429
    assert client.get("/v1/limited/tenant", HTTP_X_TENANT="b").status_code == 200


def test_methods_outside_the_limit_are_not_counted_nor_labelled(client):
    for _ in range(3):
        response = client.get("/v1/limited/post-only")
        assert response.status_code == 200
        assert "RateLimit" not in response


@override_settings(ERRORKIT={"RATELIMIT_HEADERS": False})
def test_headers_can_be_turned_off(client):
    assert "RateLimit" not in client.get("/v1/limited/apiview")
    client.get("/v1/limited/apiview")
    response = client.get("/v1/limited/apiview")
    assert response.status_code == 429 and "RateLimit" not in response
    assert response["Retry-After"] == str(response.json()["retryAfter"])


def test_the_drf_throttle_counts_the_same_way_and_answers_the_same_429(
    client, fake_clock
):
    fake_clock.now = 5_000_000.0
    assert [client.get("/v1/limited/throttled").status_code for _ in range(2)] == [
        200,
        200,
    ]
    response = client.get("/v1/limited/throttled")
    body = assert_error(
        response, 429, "rate_limit_exceeded", retryAfter=response.json()["retryAfter"]
    )
    assert 1 <= body["retryAfter"] <= 60
    assert response["Retry-After"] == str(body["retryAfter"])
    fake_clock.now += body["retryAfter"]
    assert client.get("/v1/limited/throttled").status_code == 200


def test_a_throttle_scope_without_a_rate_is_explained():
    from django.core.exceptions import ImproperlyConfigured

    from errorkit.limits.throttling import RateLimitThrottle

    with pytest.raises(ImproperlyConfigured, match="DEFAULT_THROTTLE_RATES"):
        RateLimitThrottle()


def test_unknown_keys_fail_when_the_view_is_decorated():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="Unknown rate-limit key 'cookie'"):
        errorkit.ratelimit(rate="1/s", key="cookie")


def test_a_view_without_a_request_argument_is_a_clear_error():
    @errorkit.ratelimit(rate="1/s", key="ip")
    def not_a_view(x):
        return x

    with pytest.raises(TypeError, match="found no request"):
        not_a_view(1)


def test_a_limit_above_another_decorator_keeps_it_and_the_inner_limit():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from errorkit.declarations import declarations_of

    calls = []

    def counted(view):
        def wrapper(request):
            calls.append("counted")
            return view(request)

        return functools.wraps(view)(wrapper)

    @errorkit.ratelimit(rate="5/m", key=lambda g, r: "outer", name="outer")
    @counted
    @errorkit.ratelimit(rate="1/m", key=lambda g, r: "inner", name="inner")
    def view(request):
        return HttpResponse("ok")

    # The outer limit wraps its own check: the middle decorator runs.
    assert [limit.name for limit in declarations_of(view).limits] == ["outer"]
    request = RequestFactory().get("/v1/x")
    assert view(request).status_code == 200
    assert view(request).status_code == 429  # the inner limit still applies
    assert calls == ["counted", "counted"]
