"""Settings for the demo's own tests: demo_project's, plus the service database."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")


from demo_project.settings import *  # noqa: E402,F403
from tests.services import (  # noqa: E402
    POSTGRES_UP,
    REQUIRE_SERVICES,
    postgres_database,
)

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if POSTGRES_UP or REQUIRE_SERVICES:
    DATABASES["postgres"] = postgres_database()  # noqa: F405

# Tests record incidents in the request, inside each test's transaction.
ERRORKIT = {**ERRORKIT, "INCIDENT_RECORDING": "sync"}  # noqa: F405
