"""errorkit.checks: each misconfiguration explained, with a hint."""

from __future__ import annotations

import pytest
from django.test import override_settings

from errorkit.checks import check_exception_handler, check_middleware, check_settings

MW = "errorkit.middleware.ErrorkitMiddleware"


def ids(messages):
    return [m.id for m in messages]


def test_the_demo_configuration_is_clean():
    assert check_exception_handler() + check_middleware() + check_settings() == []


@override_settings(REST_FRAMEWORK={})
def test_missing_exception_handler():
    (message,) = check_exception_handler()
    assert message.id == "errorkit.W001"
    assert "errorkit.handlers.exception_handler" in message.hint


@override_settings(MIDDLEWARE=["django.middleware.common.CommonMiddleware"])
def test_missing_middleware():
    assert ids(check_middleware()) == ["errorkit.W002"]


@override_settings(
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        MW,
    ]
)
def test_misplaced_middleware():
    (message,) = check_middleware()
    assert message.id == "errorkit.W003"
    assert "CommonMiddleware" in message.hint


@override_settings(ERRORKIT={"API_PATH_PREFIXS": ["/v1/"]})
def test_unknown_key_suggests_the_close_one():
    (message,) = check_settings()
    assert message.id == "errorkit.E001"
    assert message.hint == "Did you mean 'API_PATH_PREFIXES'?"


@override_settings(ERRORKIT={"COMPLETELY_ELSE": 1})
def test_unknown_key_lists_the_known_ones():
    (message,) = check_settings()
    assert "API_PATH_PREFIXES" in message.hint


@override_settings(ERRORKIT={"API_PATH_PREFIXES": "/v1/"})
def test_prefixes_must_be_a_list_of_paths():
    assert ids(check_settings()) == ["errorkit.E003"]


@override_settings(ERRORKIT=["not", "a", "dict"])
def test_settings_must_be_a_dict():
    assert ids(check_settings()) == ["errorkit.E002"]


LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_in_process_rate_limit_cache_warns_when_debug_is_off(settings):
    from errorkit.checks import check_ratelimit_cache

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


@override_settings(CACHES=redis_rate_limit_cache("errorkit.cache.RedisCache"))
def test_errorkits_redis_rate_limit_cache_is_clean():
    from errorkit.checks import check_ratelimit_cache

    assert check_ratelimit_cache() == []


@override_settings(
    CACHES=redis_rate_limit_cache("django.core.cache.backends.redis.RedisCache")
)
def test_djangos_redis_rate_limit_cache_points_to_the_one_step_incr():
    from errorkit.checks import check_ratelimit_cache

    (message,) = check_ratelimit_cache()
    assert message.id == "errorkit.W005"
    assert "extra round trip" in message.msg
    assert "errorkit.cache.RedisCache" in message.hint


@override_settings(
    CACHES={
        "default": LOCMEM,
        "ratelimit": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
)
def test_a_dummy_rate_limit_cache_is_an_error():
    from errorkit.checks import check_ratelimit_cache

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
    from errorkit.checks import check_ratelimit_settings

    with override_settings(ERRORKIT={"TRUSTED_PROXIES": proxies}):
        assert (ids(check_ratelimit_settings()) == []) is valid


@override_settings(ERRORKIT={"RATELIMIT_ON_CACHE_FAILURE": "maybe"})
def test_cache_failure_mode_is_validated():
    from errorkit.checks import check_ratelimit_settings

    assert ids(check_ratelimit_settings()) == ["errorkit.E006"]


@override_settings(ERRORKIT={"INCIDENT_RECORDING": "later"})
def test_incident_recording_mode_is_validated():
    from errorkit.checks import check_incident_settings

    assert ids(check_incident_settings()) == ["errorkit.E007"]
