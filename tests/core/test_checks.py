"""errorkit.checks: each misconfiguration explained, with a hint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from errorkit.apps import ErrorkitConfig
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


@pytest.mark.parametrize(
    ("key", "app"),
    [
        ("INCIDENT_RECORDING", "errorkit.incidents"),
        # No prefix of its app: known because incidents' conf declares it.
        ("FINDABLE_4XX_CODES", "errorkit.incidents"),
        ("SCRUB_KEYS", "errorkit.incidents"),
        ("API_KEY_LAST_USED_INTERVAL", "errorkit.keys"),
        ("BALANCE_HOLD_TIMEOUT", "errorkit.billing"),
        ("IDEMPOTENCY_TTL", "errorkit.idempotency"),
    ],
)
def test_a_key_of_an_app_not_installed_names_the_app(key, app):
    with override_settings(INSTALLED_APPS=CORE_ONLY, ERRORKIT={key: 1}):
        (message,) = check_settings()
    assert message.id == "errorkit.E001"
    assert f"{app!r} to INSTALLED_APPS" in message.hint


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


# -- Registered: manage.py check runs every check ----------------------------

ROOT = Path(__file__).resolve().parents[2]
MW_EARLY = ["django.middleware.common.CommonMiddleware", MW]
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def ratelimit_cache(backend: str) -> dict:
    return {
        "CACHES": {
            "default": {"BACKEND": LOCMEM},
            "ratelimit": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"},
        },
        "RATELIMIT_USE_CACHE": "ratelimit",
    }


# Every misconfiguration README's "System checks" names, as a project would
# write it; the id manage.py check must report for it.
MISCONFIGURATIONS = [
    pytest.param({"REST_FRAMEWORK": {}}, "errorkit.W001", id="W001"),
    pytest.param({"MIDDLEWARE": MW_EARLY[:1]}, "errorkit.W002", id="W002"),
    pytest.param({"MIDDLEWARE": MW_EARLY}, "errorkit.W003", id="W003"),
    pytest.param(
        {"ERRORKIT": {"API_PATH_PREFIXS": ["/v1/"]}}, "errorkit.E001", id="E001"
    ),
    pytest.param({"ERRORKIT": ["/v1/"]}, "errorkit.E002", id="E002"),
    pytest.param(
        {"ERRORKIT": {"API_PATH_PREFIXES": "/v1/"}}, "errorkit.E003", id="E003"
    ),
    pytest.param(
        {"DEBUG": False, **ratelimit_cache(LOCMEM)}, "errorkit.W004", id="W004"
    ),
    pytest.param(
        ratelimit_cache("django.core.cache.backends.dummy.DummyCache"),
        "errorkit.E004",
        id="E004",
    ),
    pytest.param(
        ratelimit_cache("django.core.cache.backends.redis.RedisCache"),
        "errorkit.W005",
        id="W005",
    ),
    pytest.param(
        {"ERRORKIT": {"TRUSTED_PROXIES": "nginx"}}, "errorkit.E005", id="E005-word"
    ),
    pytest.param(
        {"ERRORKIT": {"TRUSTED_PROXIES": ["nginx"]}},
        "errorkit.E005",
        id="E005-list-of-a-word",
    ),
    pytest.param(
        {"ERRORKIT": {"TRUSTED_PROXIES": "10.0.0.0/8"}},
        "errorkit.E005",
        id="E005-one-network-not-in-a-list",
    ),
    pytest.param(
        {"ERRORKIT": {"RATELIMIT_ON_CACHE_FAILURE": "fail-closed"}},
        "errorkit.E006",
        id="E006",
    ),
    pytest.param(
        {"ERRORKIT": {"INCIDENT_RECORDING": "later"}}, "errorkit.E007", id="E007"
    ),
    pytest.param(
        {
            "INSTALLED_APPS": CORE_ONLY,
            "REST_FRAMEWORK": {
                "EXCEPTION_HANDLER": "errorkit.handlers.exception_handler",
                "DEFAULT_PERMISSION_CLASSES": [
                    "errorkit.keys.permissions.ReadOnlyKeyPermission"
                ],
            },
        },
        "errorkit.E008",
        id="E008",
    ),
    pytest.param(
        {
            "INSTALLED_APPS": [
                *[app for app in CORE_ONLY if app != "errorkit"],
                "errorkit.idempotency",
            ]
        },
        "errorkit.E009",
        id="E009",
    ),
    pytest.param(
        {"ERRORKIT": {"INCIDENT_4XX_CODES": "402"}}, "errorkit.E010", id="E010"
    ),
]


def test_errorkit_by_its_plain_name_loads_errorkits_config():
    assert type(apps.get_app_config("errorkit")) is ErrorkitConfig


def test_the_test_configuration_has_no_errorkit_error():
    assert [m for m in run_checks(databases=[]) if m.id.startswith("errorkit.E")] == []


@pytest.mark.parametrize(("overrides", "check_id"), MISCONFIGURATIONS)
def test_the_registry_reports_each_misconfiguration(overrides, check_id):
    needs = {"E007": "errorkit.incidents", "E010": "errorkit.incidents"}
    app = needs.get(check_id.split(".")[1])
    if app is not None and not apps.is_installed(app):
        pytest.skip(f"{app} is not installed (tests.settings_core)")
    with override_settings(DEBUG=True):  # W004 is for production only
        assert check_id not in ids(run_checks(databases=[]))
    with override_settings(**overrides):
        messages = [m for m in run_checks(databases=[]) if m.id == check_id]
    assert messages, check_id
    assert all(m.hint for m in messages)


def check_output(**overrides) -> str:
    """What ``manage.py check`` prints with these settings: it must fail."""
    with override_settings(**overrides), pytest.raises(SystemCheckError) as failed:
        call_command("check", databases=[])
    return str(failed.value)


def test_trusted_proxies_that_are_a_word_fail_manage_py_check():
    output = check_output(ERRORKIT={"TRUSTED_PROXIES": "nginx"})
    assert "(errorkit.E005) ERRORKIT['TRUSTED_PROXIES'] is 'nginx'" in output
    # The hint shows every accepted form.
    assert "None" in output.split("HINT:")[1]
    assert "such as 1" in output
    assert '["10.0.0.0/8", "192.168.0.0/16"]' in output


def test_failure_mode_fail_closed_fails_manage_py_check():
    output = check_output(ERRORKIT={"RATELIMIT_ON_CACHE_FAILURE": "fail-closed"})
    message = "ERRORKIT['RATELIMIT_ON_CACHE_FAILURE'] is 'fail-closed'"
    assert f"(errorkit.E006) {message}" in output
    assert 'HINT: Use "open" (admit, log a warning) or "closed" (answer 503).' in output


# -- A fresh project, in a subprocess ----------------------------------------


def fresh_check(**environ: str) -> subprocess.CompletedProcess:
    """``django-admin check`` of tests.settings_fresh: "errorkit" listed by
    its plain name, nothing of the test suite's setup."""
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--settings=tests.settings_fresh"],
        cwd=ROOT,
        env={**os.environ, **environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_fresh_project_that_follows_the_readme_is_clean():
    done = fresh_check()
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    ("errorkit", "check_id", "hint"),
    [
        ({"TRUSTED_PROXIES": "nginx"}, "errorkit.E005", "a list of their networks"),
        (
            {"RATELIMIT_ON_CACHE_FAILURE": "fail-closed"},
            "errorkit.E006",
            'Use "open"',
        ),
    ],
)
def test_a_fresh_projects_manage_py_check_reports_errorkits_errors(
    errorkit, check_id, hint
):
    done = fresh_check(FRESH_ERRORKIT=json.dumps(errorkit))
    assert done.returncode != 0
    assert f"({check_id})" in done.stderr, done.stderr
    assert hint in done.stderr.split("HINT:")[1]


def test_a_fresh_project_on_drfs_parsers_is_told_the_setting_to_add():
    handler_only = {"EXCEPTION_HANDLER": "errorkit.handlers.exception_handler"}
    done = fresh_check(FRESH_REST_FRAMEWORK=json.dumps(handler_only))
    assert done.returncode != 0
    assert "(errorkit.E013)" in done.stderr, done.stderr
    fix = 'REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["errorkit.parsers.JSONParser"'
    assert fix in done.stderr


# -- errorkit.E013: a JSON parser that is not errorkit's ---------------------


def e013(**overrides) -> list:
    with override_settings(**overrides):
        return [m for m in run_checks(databases=[]) if m.id == "errorkit.E013"]


def test_drfs_default_parsers_are_reported():
    (message,) = e013(REST_FRAMEWORK={})
    assert "(not set: DRF's default)" in message.msg
    assert "rest_framework.parsers.JSONParser" in message.msg
    assert (
        'Set REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = '
        '["errorkit.parsers.JSONParser", ...]'
    ) in message.hint


def test_drfs_parser_named_in_the_setting_is_reported():
    rest_framework = {
        "DEFAULT_PARSER_CLASSES": [
            "rest_framework.parsers.JSONParser",
            "rest_framework.parsers.FormParser",
        ]
    }
    (message,) = e013(REST_FRAMEWORK=rest_framework)
    assert "(not set" not in message.msg
    assert "rest_framework.parsers.JSONParser" in message.msg


def test_errorkits_parser_or_a_subclass_of_it_is_fine():
    own = "tests.core.urlconfs.views.OwnJSONParser"
    assert e013() == []
    assert e013(REST_FRAMEWORK={"DEFAULT_PARSER_CLASSES": [own]}) == []
    assert e013(REST_FRAMEWORK={"DEFAULT_PARSER_CLASSES": []}) == []


def test_a_view_naming_drfs_parser_is_reported_with_its_url():
    messages = e013(ROOT_URLCONF="tests.core.urlconfs.parsers")
    by_view = {m.msg.split(" (")[0]: m for m in messages}
    views = "tests.core.urlconfs.views."
    # An APIView and an @api_view function (named as the function); not the
    # views on errorkit's parser's subclass or on forms only.
    assert {
        f"{views}DRFParserEcho",
        f"{views}drf_parser_function",
    } <= set(by_view)
    assert f"{views}OwnParserEcho" not in by_view
    assert f"{views}FormOnly" not in by_view
    message = by_view[f"{views}DRFParserEcho"]
    assert "(/v1/drf-parser)" in message.msg
    assert "errorkit.parsers.JSONParser" in message.hint
