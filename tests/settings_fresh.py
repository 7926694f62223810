"""A fresh project's settings, as one that has never seen errorkit writes
them from the README: "errorkit" listed by its plain name. The checks tests
run ``manage.py check`` with them in a subprocess; the environment variables
FRESH_ERRORKIT and FRESH_REST_FRAMEWORK (JSON) give ERRORKIT and
REST_FRAMEWORK."""

import json
import os

SECRET_KEY = "fresh-project-tests-only"
DEBUG = True
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "errorkit",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "errorkit.middleware.ErrorkitMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "tests.core.urlconfs.empty"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
REST_FRAMEWORK = json.loads(
    os.environ.get(
        "FRESH_REST_FRAMEWORK",
        json.dumps(
            {
                "EXCEPTION_HANDLER": "errorkit.handlers.exception_handler",
                "DEFAULT_PARSER_CLASSES": ["errorkit.parsers.JSONParser"],
            }
        ),
    )
)
ERRORKIT = json.loads(os.environ.get("FRESH_ERRORKIT", "{}"))
