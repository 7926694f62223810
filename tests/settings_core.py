"""Library test settings with errorkit core alone: no optional app, no table.

``make test`` runs tests/core and tests/limits under these too, proving that
every core feature works without errorkit.keys, billing, idempotency or
incidents, and that ``migrate`` creates none of errorkit's tables.
"""

from __future__ import annotations

import os

import dj_database_url

from tests.services import POSTGRES_UP, REQUIRE_SERVICES, postgres_database
from tests.services import REDIS_URL as SERVICES_REDIS_URL

SECRET_KEY = "tests-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_ratelimit",
    "errorkit",
    "tests.testapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "errorkit.middleware.ErrorkitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls_core"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default="sqlite:///tests-default.sqlite3", conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import django

    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    if django.VERSION >= (5, 1):
        DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
# The PostgreSQL service database, for the tests that need real concurrency
# and real transactions; configured when it answers or when CI requires it.
if POSTGRES_UP or REQUIRE_SERVICES:
    DATABASES["postgres"] = postgres_database()

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
CSRF_FAILURE_VIEW = "errorkit.views.csrf_failure"

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "errorkit.handlers.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["errorkit.parsers.JSONParser"],
    # Unknown query parameters are ignored: ?format= picks no renderer.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "errorkit.openapi.AutoSchema",
}

# The rate-limit cache is Redis when REDIS_URL is set (on the run's own
# database number, see tests.services), else the in-process cache.
REDIS_URL = SERVICES_REDIS_URL if os.environ.get("REDIS_URL") else ""
RATELIMIT_USE_CACHE = "ratelimit"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {
            # errorkit's own by default; the service tests also run django-redis.
            "BACKEND": os.environ.get(
                "TEST_RATELIMIT_BACKEND", "errorkit.limits.cache.RedisCache"
            ),
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        }
    ),
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

ERRORKIT: dict[str, object] = {"API_PATH_PREFIXES": ["/v1/"]}
