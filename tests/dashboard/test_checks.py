"""errorkit.dashboard's system check: the middleware its pages stand on."""

from __future__ import annotations

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.test import override_settings

from errorkit.dashboard.checks import check_dashboard_middleware
from tests.settings_core import MIDDLEWARE


def test_the_test_projects_middleware_passes():
    assert check_dashboard_middleware() == []


@pytest.mark.parametrize(
    "missing",
    [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
)
def test_each_missing_middleware_is_an_error_naming_it(missing):
    with override_settings(MIDDLEWARE=[m for m in MIDDLEWARE if m != missing]):
        (error,) = check_dashboard_middleware()
    assert error.id == "errorkit.E014"
    assert missing in error.msg and "Add it" in error.hint


class ProjectAuthentication(AuthenticationMiddleware):
    """A project's own authentication middleware, built on Django's."""


def test_a_subclass_of_a_needed_middleware_does():
    subclass = "tests.dashboard.test_checks.ProjectAuthentication"
    base = "django.contrib.auth.middleware.AuthenticationMiddleware"
    with override_settings(
        MIDDLEWARE=[subclass if m == base else m for m in MIDDLEWARE]
    ):
        assert check_dashboard_middleware() == []
