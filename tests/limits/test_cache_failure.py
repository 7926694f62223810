"""When the rate-limit cache fails: admit (open) or 503 (closed), never a 500 or 429."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(
    autouse=True,
    params=[
        "django.core.cache.backends.redis.RedisCache",
        "errorkit.limits.cache.RedisCache",
        "django_redis.cache.RedisCache",
    ],
)
def _fresh_rate_limit_cache(request, settings):
    # Overrides conftest's (clearing a dead cache would fail). A Redis address
    # with nothing listening: connections are refused at once.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {"BACKEND": request.param, "LOCATION": "redis://127.0.0.1:9/0"},
    }
    yield


@override_settings(ERRORKIT={"RATELIMIT_ON_CACHE_FAILURE": "open"})
def test_fail_open_admits_and_warns(client, caplog):
    with caplog.at_level(logging.WARNING, logger="errorkit.ratelimit"):
        responses = [client.get("/v1/limited/apiview") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "RateLimit" not in responses[0]
    warnings = [r for r in caplog.records if r.name == "errorkit.ratelimit"]
    assert len(warnings) == 3
    assert "unavailable" in warnings[0].getMessage()


@override_settings(ERRORKIT={"RATELIMIT_ON_CACHE_FAILURE": "closed"})
@pytest.mark.parametrize("path", ["/v1/limited/apiview", "/v1/limited/plain"])
def test_fail_closed_answers_503_with_a_short_retry_after(client, path):
    response = client.get(path)
    assert_error(response, 503, "service_unavailable", retryAfter=5)
    assert response["Retry-After"] == "5"


@override_settings(
    ERRORKIT={
        "RATELIMIT_ON_CACHE_FAILURE": "closed",
        "RATELIMIT_FAILURE_RETRY_AFTER": 2,
    },
)
def test_fail_closed_on_the_drf_throttle_and_async_views(client):
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    assert_error(
        client.get("/v1/limited/throttled"), 503, "service_unavailable", retryAfter=2
    )
    response = async_to_sync(AsyncClient().get)("/v1/limited/async")
    assert_error(response, 503, "service_unavailable", retryAfter=2)
