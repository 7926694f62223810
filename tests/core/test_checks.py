"""errorkit.checks: each misconfiguration explained, with a hint."""

from __future__ import annotations

from django.test import override_settings

from errorkit.checks import (
    check_core_installed,
    check_exception_handler,
    check_middleware,
    check_optional_apps_named,
    check_settings,
)

# errorkit core alone, as in tests.settings_core.
CORE_ONLY = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "django_ratelimit",
    "errorkit",
]

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


@override_settings(INSTALLED_APPS=CORE_ONLY, ERRORKIT={"INCIDENT_RECORDING": "sync"})
def test_a_key_of_an_app_not_installed_names_the_app():
    (message,) = check_settings()
    assert message.id == "errorkit.E001"
    assert "'errorkit.incidents' to INSTALLED_APPS" in message.hint


@override_settings(
    INSTALLED_APPS=CORE_ONLY,
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "errorkit.keys.authentication.APIKeyAuthentication"
        ]
    },
    ERRORKIT={"BALANCE_BACKEND": "errorkit.billing.backends.ModelBalanceBackend"},
)
def test_naming_a_class_of_an_app_not_installed_is_an_error():
    messages = check_optional_apps_named()
    assert ids(messages) == ["errorkit.E008", "errorkit.E008"]
    assert "'errorkit.keys'" in messages[0].hint
    assert "'errorkit.billing'" in messages[1].hint


def test_classes_of_installed_apps_are_fine():
    assert check_optional_apps_named() == []


@override_settings(INSTALLED_APPS=["django.contrib.contenttypes"])
def test_an_optional_app_without_core_is_an_error():
    (message,) = check_core_installed("errorkit.incidents")
    assert message.id == "errorkit.E009" and "'errorkit'" in message.hint
