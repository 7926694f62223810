"""demo_project: a small paid inference API built on errorkit.

Every setting the environment may change is listed in docs/demo-api.md.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"

_DEV_SECRET_KEY = "django-insecure-demo-project-development-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _DEV_SECRET_KEY
if SECRET_KEY == _DEV_SECRET_KEY:
    warnings.warn(
        "DJANGO_SECRET_KEY is not set: demo_project uses a development key. "
        "Set DJANGO_SECRET_KEY before serving anything but a local demo.",
        stacklevel=1,
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

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
    "errorkit.keys",
    "errorkit.billing",
    "errorkit.idempotency",
    "errorkit.incidents",
    "errorkit.dashboard",
    "demo_project.jobs.apps.JobsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The admin's CSS and scripts, with DEBUG off too (make demo, make serve).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "errorkit.middleware.ErrorkitMiddleware",
    # The caller's language (Accept-Language: fr, de) for every body; errorkit
    # answers what it answers before this (413) in that language too.
    "django.middleware.locale.LocaleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "demo_project.urls"
# Customers sign in with Django's own login view, then land on their dashboard.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
WSGI_APPLICATION = "demo_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The customers' sign-in page (registration/login.html).
        "DIRS": [BASE_DIR / "demo_project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}

# A pooled connection the database dropped (a restart, an outage) is noticed
# before the request uses it, so recovery costs no request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing with "database is locked":
    # BEGIN IMMEDIATE (Django 5.1+) takes it up front, and waits up to 20 s.
    import django

    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    if django.VERSION >= (5, 1):
        DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
# errorkit ships French and German catalogs; DRF and Django have their own.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# Served straight from the apps' static folders: no collectstatic to run for
# the demo. A deployment sets STATIC_ROOT, runs collectstatic and turns this off.
WHITENOISE_USE_FINDERS = True

# Bodies over this many bytes answer 413 payload_too_large under /v1/.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DEMO_MAX_BODY_BYTES", 1024 * 1024))
CSRF_FAILURE_VIEW = "errorkit.views.csrf_failure"

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "errorkit.handlers.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "errorkit.keys.authentication.APIKeyAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "errorkit.keys.permissions.ReadOnlyKeyPermission",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["errorkit.parsers.JSONParser"],
    # Unknown query parameters are ignored: ?format= picks no renderer.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": None,
    # GET /v1/schema documents every operation's error responses.
    "DEFAULT_SCHEMA_CLASS": "errorkit.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "errorkit demo API",
    "DESCRIPTION": "A small paid inference API: API keys, a prepaid balance, "
    "models and jobs. Every 4xx and 5xx answer has the Error body.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Rate limits: counted in the "ratelimit" cache. REDIS_URL shares the counts
# between every process and host; without it the in-process cache serves one
# process only (the embedded demo).
REDIS_URL = os.environ.get("REDIS_URL", "")
DEMO_JOBS_RATE = os.environ.get("DEMO_JOBS_RATE", "60/m")
RATELIMIT_USE_CACHE = "ratelimit"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {
            # Its socket timeouts (ERRORKIT["RATELIMIT_CACHE_TIMEOUT"], 0.25 s)
            # bound what an unreachable Redis costs a request: no OPTIONS needed.
            "BACKEND": "errorkit.limits.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        }
    ),
}
if REDIS_URL:
    # django-ratelimit does not know errorkit's RedisCache, Django's RedisCache
    # with an incr that is atomic in one round trip: its warning is moot here.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    # django-ratelimit rejects the in-process cache outright; the embedded demo
    # runs one process, and errorkit.W004 explains the trade-off instead.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

ERRORKIT = {
    "API_PATH_PREFIXES": ["/v1/"],
    # A job's hold voids itself this long after it was placed if its request
    # never finishes (a killed process, a cut connection).
    "BALANCE_HOLD_TIMEOUT": int(os.environ.get("DEMO_HOLD_TIMEOUT", "300")),
    # Server errors are recorded off the request path, in batches.
    "INCIDENT_RECORDING": "background",
    # "Add funds" on the customers' dashboard credits at once and says it is a
    # demo: nothing is paid.
    "TOP_UP_BACKEND": "errorkit.dashboard.topups.DemoTopUp",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "errorkit.log.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
