"""Library test settings: errorkit core and every optional app, with the
tests' own small paid API (tests.testapp), never demo_project."""

import os

from tests.settings_core import *  # noqa: F403
from tests.settings_core import INSTALLED_APPS

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "errorkit.keys",
    "errorkit.billing",
    "errorkit.idempotency",
    "errorkit.incidents",
    "errorkit.dashboard",
]
ROOT_URLCONF = "tests.urls"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "errorkit.keys.authentication.APIKeyAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "errorkit.keys.permissions.ReadOnlyKeyPermission",
    ],
}

# Tests record incidents in the request, inside each test's transaction; the
# background writer has tests of its own.
ERRORKIT = {
    "API_PATH_PREFIXES": ["/v1/"],
    "INCIDENT_RECORDING": os.environ.get("TEST_INCIDENT_RECORDING", "sync"),
    # Short in the fault tests, which serve these settings with gunicorn.
    "BALANCE_HOLD_TIMEOUT": float(os.environ.get("TEST_HOLD_TIMEOUT", "300")),
    # Made-up keys: the Stripe tests answer from a fake HTTP client and sign
    # their webhooks with this secret, as Stripe does with an endpoint's.
    "STRIPE_API_KEY": "sk_test_errorkit_tests",
    "STRIPE_WEBHOOK_SECRET": "whsec_errorkit_tests",
}
TEST_TASKS_RATE = "1000/m"

# Served by gunicorn in the outage tests: persistent connections, checked
# before each request, as a production project would set them.
if os.environ.get("TEST_PERSISTENT_CONNECTIONS"):
    DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = (  # noqa: F405
        os.environ.get("TEST_CONN_HEALTH_CHECKS", "1") == "1"
    )
