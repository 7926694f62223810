"""errorkit.dashboard's system checks: the middleware its pages stand on (E014)
and the top-up settings (E015)."""

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


# errorkit.E015: the top-up settings.

STRIPE = "errorkit.dashboard.stripe_checkout.StripeCheckoutTopUp"


class NoRefusal:
    method = "mine"
    notice = "Pay me."

    def start(self, request, top_up): ...


class LongName(NoRefusal):
    method = "a-name-of-more-than-twenty-characters"

    def refuses(self, amount, currency):
        return None


def top_up_errors(**settings) -> list[str]:
    from errorkit.dashboard.checks import check_top_ups

    with override_settings(ERRORKIT=settings):
        errors = check_top_ups()
    assert {e.id for e in errors} <= {"errorkit.E015"}
    return [e.msg for e in errors]


def test_the_default_top_up_settings_pass():
    assert top_up_errors() == []


@pytest.mark.parametrize(
    "settings, says",
    [
        ({"TOP_UP_BACKEND": "no.such.Backend"}, "Could not import 'no.such.Backend'"),
        (
            {"TOP_UP_BACKEND": "tests.dashboard.test_checks.NoRefusal"},
            "it needs refuses",
        ),
        (
            {"TOP_UP_BACKEND": "tests.dashboard.test_checks.LongName"},
            "1 to 20 characters",
        ),
        ({"TOP_UP_MIN": "10", "TOP_UP_MAX": "5"}, "must be amounts"),
        ({"TOP_UP_MIN": "0"}, "must be amounts"),
        ({"TOP_UP_MAX": "lots"}, "must be amounts"),
        ({"TOP_UP_MAX": "NaN"}, "must be amounts"),
        ({"TOP_UP_BACKEND": STRIPE}, "needs ERRORKIT['STRIPE_API_KEY']"),
        (
            {"TOP_UP_BACKEND": STRIPE, "STRIPE_API_KEY": "sk_test_x"},
            "needs ERRORKIT['STRIPE_WEBHOOK_SECRET']",
        ),
    ],
)
def test_each_bad_top_up_setting_is_an_error_saying_what(settings, says):
    errors = top_up_errors(**settings)
    assert any(says in error for error in errors), errors


def test_stripe_with_both_keys_passes():
    assert (
        top_up_errors(
            TOP_UP_BACKEND=STRIPE,
            STRIPE_API_KEY="sk_test_x",
            STRIPE_WEBHOOK_SECRET="whsec_x",
        )
        == []
    )
