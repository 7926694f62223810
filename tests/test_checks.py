"""errorkit.checks: each misconfiguration explained, with a hint."""

from __future__ import annotations

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
