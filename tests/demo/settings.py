"""Settings for the demo's own tests: demo_project's, plus the service database."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")

import dj_database_url  # noqa: E402

from demo_project.settings import *  # noqa: E402,F403
from tests.services import POSTGRES_UP, POSTGRES_URL, REQUIRE_SERVICES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if POSTGRES_UP or REQUIRE_SERVICES:
    DATABASES["postgres"] = dj_database_url.parse(POSTGRES_URL)  # noqa: F405

# Tests record incidents in the request, inside each test's transaction.
ERRORKIT = {**ERRORKIT, "INCIDENT_RECORDING": "sync"}  # noqa: F405
