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


# A Redis rate-limit cache must bound its wait for an unreachable Redis.

DJANGO_REDIS = "django.core.cache.backends.redis.RedisCache"
DJANGO_REDIS_PACKAGE = "django_redis.cache.RedisCache"
ERRORKIT_REDIS = "errorkit.limits.cache.RedisCache"


def with_options(backend: str, options: dict | None) -> dict:
    caches = redis_rate_limit_cache(backend)
    if options is not None:
        caches["ratelimit"]["OPTIONS"] = options
    return caches


@pytest.mark.parametrize(
    "backend,options,setting",
    [
        (DJANGO_REDIS, None, '"socket_timeout": 0.25'),
        (DJANGO_REDIS, {"socket_connect_timeout": 0.25}, '"socket_timeout": 0.25'),
        (DJANGO_REDIS_PACKAGE, None, '"SOCKET_TIMEOUT": 0.25'),
        (DJANGO_REDIS_PACKAGE, {"SOCKET_CONNECT_TIMEOUT": 1}, '"SOCKET_TIMEOUT"'),
        (ERRORKIT_REDIS, {"socket_timeout": None}, "RATELIMIT_CACHE_TIMEOUT"),
    ],
)
def test_a_redis_rate_limit_cache_without_a_socket_timeout_warns(
    backend, options, setting
):
    from errorkit.limits.checks import check_ratelimit_cache_timeouts

    with override_settings(CACHES=with_options(backend, options)):
        (message,) = check_ratelimit_cache_timeouts()
    assert message.id == "errorkit.W007"
    assert "'ratelimit' sets no socket timeout" in message.msg
    assert "holds a worker" in message.msg
    assert setting in message.hint


@pytest.mark.parametrize(
    "backend,options",
    [
        (ERRORKIT_REDIS, None),  # its own default
        (ERRORKIT_REDIS, {"socket_timeout": 1}),
        (DJANGO_REDIS, {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}),
        (DJANGO_REDIS_PACKAGE, {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}),
        (DJANGO_REDIS_PACKAGE, {"CONNECTION_POOL_KWARGS": {"socket_timeout": 1}}),
        ("django.core.cache.backends.locmem.LocMemCache", None),
    ],
)
def test_a_bounded_or_non_redis_rate_limit_cache_passes(backend, options):
    from errorkit.limits.checks import check_ratelimit_cache_timeouts

    with override_settings(CACHES=with_options(backend, options)):
        assert check_ratelimit_cache_timeouts() == []


def test_only_the_rate_limit_cache_is_checked():
    from errorkit.limits.checks import check_ratelimit_cache_timeouts

    caches = {**redis_rate_limit_cache(ERRORKIT_REDIS), "other": {}}
    caches["other"] = {"BACKEND": DJANGO_REDIS, "LOCATION": "redis://127.0.0.1/1"}
    with override_settings(CACHES=caches):
        assert check_ratelimit_cache_timeouts() == []
    with override_settings(CACHES=caches, RATELIMIT_USE_CACHE="other"):
        assert ids(check_ratelimit_cache_timeouts()) == ["errorkit.W007"]


def test_the_registered_checks_report_the_unbounded_cache():
    from django.core.checks import run_checks

    with override_settings(CACHES=with_options(DJANGO_REDIS, None)):
        assert "errorkit.W007" in ids(run_checks(tags=["caches"], databases=[]))
    with override_settings(CACHES=with_options(ERRORKIT_REDIS, None)):
        assert "errorkit.W007" not in ids(run_checks(databases=[]))


@pytest.mark.parametrize("value", [0.25, 1, 0.05])
def test_a_timeout_in_seconds_is_valid(value):
    from errorkit.limits.checks import check_ratelimit_settings

    with override_settings(ERRORKIT={"RATELIMIT_CACHE_TIMEOUT": value}):
        assert check_ratelimit_settings() == []


@pytest.mark.parametrize("value", [0, -0.5, "0.25", None, True, float("nan")])
def test_a_bad_timeout_is_an_error_with_a_hint(value):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from errorkit.limits.checks import check_ratelimit_settings

    with override_settings(ERRORKIT={"RATELIMIT_CACHE_TIMEOUT": value}):
        (message,) = check_ratelimit_settings()
        with pytest.raises(SystemCheckError, match="errorkit.E012"):
            call_command("check", databases=[])
    assert message.id == "errorkit.E012"
    assert "RATELIMIT_CACHE_TIMEOUT" in message.msg
    assert "number of seconds above 0" in message.msg
    assert "0.25" in message.hint
