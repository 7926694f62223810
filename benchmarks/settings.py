"""Settings of the in-process benchmarks (B1, B2, B3): a project with every
errorkit app installed, as a paid API would run it, on an in-memory SQLite
database that the measured requests never touch. Each benchmark builds its
errorkit and bare configurations from these, in the same process."""

SECRET_KEY = "benchmarks-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
USE_TZ = True
USE_I18N = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "django_ratelimit",
    "errorkit",
    "errorkit.keys",
    "errorkit.billing",
    "errorkit.idempotency",
    "errorkit.incidents",
]

# Django's startproject list: what a bare DRF project runs. B1 inserts
# ErrorkitMiddleware after SecurityMiddleware, where the README puts it.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "benchmarks.urls"
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
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
ERRORKIT = {"API_PATH_PREFIXES": ["/v1/"], "INCIDENT_RECORDING": "background"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    # The 500s of B2 log their tracebacks either way; not on the terminal.
    "loggers": {"django.request": {"handlers": ["null"], "propagate": False}},
}
