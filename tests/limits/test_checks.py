"""errorkit.limits.checks: the rate-limit cache, proxies and failure mode."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.core.test_checks import ids

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_in_process_rate_limit_cache_warns_when_debug_is_off(settings):
    from errorkit.limits.checks import check_ratelimit_cache

    settings.DEBUG = False
    (message,) = check_ratelimit_cache()
    assert message.id == "errorkit.W004"
    assert "multiplied by the number of worker processes" in message.msg
    assert "RedisCache" in message.hint
    settings.DEBUG = True
    assert check_ratelimit_cache() == []


def redis_rate_limit_cache(backend: str) -> dict:
    return {
        "default": LOCMEM,
        "ratelimit": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/0"},
    }


@pytest.mark.parametrize(
    "backend", ["errorkit.limits.cache.RedisCache", "django_redis.cache.RedisCache"]
)
def test_errorkits_and_django_redis_rate_limit_caches_are_clean(backend):
    from errorkit.limits.checks import check_ratelimit_cache

    with override_settings(CACHES=redis_rate_limit_cache(backend)):
        assert check_ratelimit_cache() == []


@override_settings(
    CACHES=redis_rate_limit_cache("django.core.cache.backends.redis.RedisCache")
)
def test_djangos_redis_rate_limit_cache_points_to_the_one_step_incr():
    from errorkit.limits.checks import check_ratelimit_cache

    (message,) = check_ratelimit_cache()
    assert message.id == "errorkit.W005"
    assert "extra round trip" in message.msg
    assert "errorkit.limits.cache.RedisCache" in message.hint


@override_settings(
    CACHES={
        "default": LOCMEM,
        "ratelimit": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
)
def test_a_dummy_rate_limit_cache_is_an_error():
    from errorkit.limits.checks import check_ratelimit_cache

    assert ids(check_ratelimit_cache()) == ["errorkit.E004"]


@pytest.mark.parametrize(
    "proxies,valid",
    [
        (None, True),
        (0, True),
        (2, True),
        (["10.0.0.0/8"], True),
        (-1, False),
        ("10.0.0.0/8", False),
        (["not-a-net"], False),
        (True, False),
    ],
)
def test_trusted_proxies_are_validated(proxies, valid):
    from errorkit.limits.checks import check_ratelimit_settings

    with override_settings(ERRORKIT={"TRUSTED_PROXIES": proxies}):
        assert (ids(check_ratelimit_settings()) == []) is valid


@override_settings(ERRORKIT={"RATELIMIT_ON_CACHE_FAILURE": "maybe"})
def test_cache_failure_mode_is_validated():
    from errorkit.limits.checks import check_ratelimit_settings

    assert ids(check_ratelimit_settings()) == ["errorkit.E006"]
